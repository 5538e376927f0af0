// The one transport interface the services use. KafkaTransport (kafkajs) and InProcessTransport
// (the embedded all-in-one and `vigil replay`) both implement it, so a service cannot tell them apart.

import type { TopicRole } from '@vigil/contract';

export type Headers = Record<string, string>;

export interface OutgoingRecord {
  /** Partitioning key; records with the same key keep their order. */
  key: string | null;
  value: string | Buffer;
  headers?: Headers;
  /** Explicit partition; when unset the partition is chosen from the key. */
  partition?: number;
}

/**
 * A record with a null value: on a compacted topic it deletes its key (Kafka keeps the tombstone
 * for the topic's delete.retention.ms, 24 h by default, so readers that are behind see it, then
 * drops it with every earlier record of the key).
 */
export interface OutgoingTombstone {
  key: string;
  value: null;
  partition?: number;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Empty for a tombstone. */
  value: Buffer;
  /** Set on a tombstone (a record whose value is null): on a compacted topic, the key was deleted. Readers of compacted topics must check it. */
  tombstone?: true;
  headers: Headers;
  /** Record timestamp, epoch ms. */
  timestamp: number;
}

export interface Producer {
  /** Resolves once every record is acknowledged (acks=all on Kafka); rejects with a VigilError. */
  send(topic: string, records: readonly (OutgoingRecord | OutgoingTombstone)[]): Promise<void>;
  /**
   * Why records could not reach the cluster now, for readiness, even with nothing to send: on
   * Kafka, no broker answered the last of the checks the first call starts (one metadata request
   * every few seconds); undefined while all is well.
   */
  problem(): string | undefined;
  /** True once the cluster answered a check begun at `time` (epoch ms) or later; like problem(), starts the checks. */
  answeredSince(time: number): boolean;
  close(): Promise<void>;
}

export interface RecordBatch {
  topic: string;
  partition: number;
  records: IncomingRecord[];
  /** Call during long processing so the group does not evict this member. */
  heartbeat(): Promise<void>;
}

export interface PartitionAssignment {
  topic: string;
  partitions: number[];
}

/** A consumer's position in one partition: every record before `offset` is done with. */
export interface CommitPosition {
  topic: string;
  partition: number;
  /** The next offset to consume (the last durable one + 1). */
  offset: string;
}

export interface ConsumerOptions {
  /** The consumer group; with `broadcast`, the start of a name the transport makes unique. */
  groupId: string;
  /**
   * The setting that names groupId (e.g. `VIGIL_DETECTOR_GROUP_ID`), for the error when the group
   * already belongs to members reading other topics (another deployment under another prefix).
   */
  groupSetting?: string;
  topics: readonly string[];
  /** Where a group with no committed offset starts. Default true. */
  fromBeginning?: boolean;
  /**
   * Every consumer receives every record of its topics (state each instance must know, such as
   * silences) instead of sharing partitions with the others: the transport gives it a group of its
   * own (groupId plus a unique suffix), commits nothing, so it starts where fromBeginning says each
   * time, and deletes the group on stop. A group a crash leaves behind holds no offsets, so Kafka
   * drops it once the member's session has expired. Default false.
   */
  broadcast?: boolean;
  /**
   * When offsets are committed. 'auto' (default): after each eachBatch resolves. 'manual': a
   * resolved batch only moves this member on to the next records; nothing is committed until the
   * caller passes Consumer.commit() what it has made durable (a checkpoint), so it may process many
   * batches per commit. A restart, a rebalance or a throw from eachBatch then delivers a partition
   * again from its last committed offset, not just the failed batch: the caller's state restarts
   * from its last durable point too. Ignored with broadcast (which commits nothing).
   */
  commit?: 'auto' | 'manual';
  /** Most bytes one fetch takes from one partition (kafkajs default 1 MiB); raise it to take a backlog in fewer, larger batches. */
  maxBytesPerPartition?: number;
  /** Most bytes one fetch takes overall (kafkajs default 10 MiB). */
  maxBytes?: number;
  /** With commit 'auto', offsets are committed only after this resolves; a throw means the batch is redelivered. */
  eachBatch(batch: RecordBatch): Promise<void>;
  /** Called after a rebalance with this member's partitions (before any batch of them). */
  onAssign?(assignment: readonly PartitionAssignment[]): void | Promise<void>;
  /**
   * Called at a rebalance, just before onAssign, with the partitions this member had and lost (only
   * when it lost some). kafkajs has no revoke hook, so on Kafka this runs once the new assignment is
   * known: no batch of a lost partition is delivered after it, but the new owner may already have
   * started on them. Not called by stop(), which the caller knows about.
   */
  onRevoke?(revoked: readonly PartitionAssignment[]): void | Promise<void>;
}

export interface Consumer {
  /** Joins the group and starts consuming; resolves once running. */
  start(): Promise<void>;
  /**
   * With commit 'manual': commits these positions for the group. Positions of partitions this
   * member does not own (any more) are dropped, so a late commit cannot move a new owner back.
   * Commits run one after another in call order. Rejects with a VigilError when Kafka refused
   * (a rebalance, an outage); a later commit of a further position makes up for it.
   */
  commit(positions: readonly CommitPosition[]): Promise<void>;
  /** Finishes the in-flight batch, commits (with commit 'auto'), leaves the group. */
  stop(): Promise<void>;
  /**
   * Why this member is not consuming as it should although started (it lost Kafka and is
   * reconnecting, or its group is shared with members of other topics), for readiness; undefined
   * while all is well.
   */
  problem(): string | undefined;
}

export interface ReadAllOptions {
  partitions?: readonly number[];
  /** Epoch ms: skip the records written before it. */
  since?: number;
}

export interface Transport {
  readonly kind: 'kafka' | 'in-process';
  /** Topic name for a role under the configured prefix. */
  topic(role: TopicRole): string;
  /** Creates every Vigil topic that does not exist yet (idempotent); compacted ones compacted. */
  ensureTopics(): Promise<void>;
  producer(): Promise<Producer>;
  consumer(options: ConsumerOptions): Consumer;
  partitionCount(topic: string): Promise<number>;
  /** Partition a key maps to, the same as the producer's default partitioner picks. */
  partitionFor(key: string, partitionCount: number): number;
  /**
   * Every record from the start to the end offsets at call time (restoring compacted state), of
   * every partition or those given. With `since` (epoch ms), only records from that time on: the
   * read starts at the first offset whose timestamp is at or after it, so older records cost nothing.
   */
  readAll(topic: string, options?: ReadAllOptions): Promise<IncomingRecord[]>;
  close(): Promise<void>;
}
