// The embedded transport: Kafka's semantics in memory for `vigil start` without KAFKA_BROKERS and
// for `vigil replay`. Topics have partitions, a key always maps to the same partition (the same
// murmur2 as Kafka), and consumer groups keep committed offsets, so a batch whose handler throws
// is delivered again — at-least-once, exactly as with Kafka. A member with commit 'manual' moves
// on without committing; a throw or a rebalance goes back to what it committed. Records every
// group committed are forgotten beyond a retention (PartitionLog). Nothing survives the process.

import { VigilError, topicName } from '@vigil/contract';
import type { TopicRole } from '@vigil/contract';
import { revokedPartitions } from './assignment-change';
import { partitionForKey } from './murmur2-partitioner';
import { PartitionLog } from './partition-log';
import { planTopics } from './topic-plan';
import type {
  CommitPosition,
  Consumer,
  ConsumerOptions,
  IncomingRecord,
  OutgoingRecord,
  OutgoingTombstone,
  PartitionAssignment,
  Producer,
  ReadAllOptions,
  Transport,
} from './transport';
import type { TransportLogger } from './transport-logger';
import type { TransportMetrics } from './transport-metrics';

export interface InProcessTransportOptions {
  /** Partitions of every topic. Default 6, like VIGIL_TOPIC_PARTITIONS. */
  partitions?: number;
  /** Topic prefix. Default "vigil.". */
  prefix?: string;
  /** Records handed to one eachBatch call at most. Default 1000. */
  maxBatchRecords?: number;
  /** First delay before redelivering a batch whose handler threw; doubles up to 5 s. Default 50 ms. */
  retryDelayMs?: number;
  /**
   * Bytes of records every consumer group committed that a partition keeps, for readAll; older
   * ones are forgotten (a compacted topic keeps the latest record of each key instead). Default 1 MiB.
   */
  retainedBytesPerPartition?: number;
  /**
   * Topics whose sends wait while a consuming group has more than maxUndeliveredBytesPerPartition
   * of the partition still to deliver: Kafka's disk takes a backlog, memory must not, so a producer
   * faster than its consumers is slowed (the collector then answers 503) instead of filling memory.
   * Never a topic that a consumer's own handler sends to, which would wait for itself.
   */
  boundedTopics?: readonly TopicRole[];
  /** Default 16 MiB. */
  maxUndeliveredBytesPerPartition?: number;
  logger?: TransportLogger;
  metrics?: TransportMetrics;
}

const MAX_RETRY_DELAY_MS = 5000;
const DEFAULT_RETAINED_BYTES_PER_PARTITION = 1024 * 1024;
const DEFAULT_MAX_UNDELIVERED_BYTES_PER_PARTITION = 16 * 1024 * 1024;

interface StoredTopic {
  partitions: PartitionLog[];
}

/** A wake-up signal: resolves every waiter when anything happens (a record, a member change). */
class Signal {
  private waiters: Array<() => void> = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** One consumer group: members, committed offsets, and the single loop that delivers its batches. */
class InProcessGroup {
  readonly members: InProcessConsumer[] = [];
  /** `${topic}/${partition}` → the group's committed offset: where a new owner starts. */
  readonly committed = new Map<string, number>();
  /** `${topic}/${partition}` → next offset to deliver (ahead of committed only for 'manual' members). */
  private readonly positions = new Map<string, number>();
  private assignment = new Map<InProcessConsumer, PartitionAssignment[]>();
  private needsRebalance = true;
  private loop: Promise<void> | undefined;
  private readonly rebalanced = new Signal();
  private readonly membershipChanged = new Signal();
  private failures = 0;

  constructor(
    readonly groupId: string,
    private readonly transport: InProcessTransport,
    /** A broadcast group ends with its member; its offsets then hold no record back. */
    readonly transient = false,
  ) {}

  join(member: InProcessConsumer): void {
    this.transport.activeGroups.add(this);
    this.members.push(member);
    this.changeMembership();
    this.loop ??= this.run().finally(() => {
      this.loop = undefined;
      this.rebalanced.notify();
    });
  }

  /** Resolves once the member's in-flight batch (if any) is done and its partitions went to others. */
  async leave(member: InProcessConsumer): Promise<void> {
    const index = this.members.indexOf(member);
    if (index < 0) return;
    this.members.splice(index, 1);
    if (this.transient && this.members.length === 0) this.transport.activeGroups.delete(this);
    if (this.loop === undefined) return;
    const done = this.rebalanced.wait();
    this.changeMembership();
    await done;
  }

  private changeMembership(): void {
    this.needsRebalance = true;
    this.membershipChanged.notify();
    this.transport.signal.notify();
    this.transport.delivered.notify();
  }

  /** Bytes of the partition this group has yet to deliver; none once it has no member. */
  undeliveredBytes(key: string, log: PartitionLog): number {
    if (this.members.length === 0) return 0;
    const position = this.positions.get(key);
    return position === undefined ? 0 : log.bytesFrom(position);
  }

  private async run(): Promise<void> {
    while (this.members.length > 0) {
      if (this.needsRebalance) await this.rebalance();
      const wake = this.transport.signal.wait();
      const delivered = await this.deliverRound();
      if (!delivered && !this.needsRebalance && this.members.length > 0) await wake;
    }
  }

  private async rebalance(): Promise<void> {
    this.needsRebalance = false;
    const previous = this.assignment;
    this.assignment = new Map(this.members.map((member) => [member, []]));
    const topics = [...new Set(this.members.flatMap((member) => member.options.topics))].sort();
    let next = 0;
    for (const topic of topics) {
      const subscribers = this.members.filter((member) => member.options.topics.includes(topic));
      const partitionCount = this.transport.storedTopic(topic).partitions.length;
      for (let partition = 0; partition < partitionCount; partition++) {
        const owner = subscribers[next++ % subscribers.length]!;
        const owned = this.assignment.get(owner)!;
        const entry = owned.find((a) => a.topic === topic) ?? owned[owned.push({ topic, partitions: [] }) - 1]!;
        entry.partitions.push(partition);
        const key = `${topic}/${partition}`;
        if (!this.committed.has(key)) {
          this.committed.set(key, owner.options.fromBeginning === false ? this.transport.storedTopic(topic).partitions[partition]!.nextOffset : 0);
        }
        // As on Kafka, every owner (a member keeping its partition too) resumes from the committed offset.
        this.positions.set(key, this.committed.get(key)!);
      }
    }
    // Every member lets go before any member takes over, as in Kafka's eager rebalance.
    for (const [member, owned] of this.assignment) {
      const revoked = revokedPartitions(previous.get(member) ?? [], owned);
      if (revoked.length > 0) await member.options.onRevoke?.(revoked);
    }
    for (const [member, owned] of this.assignment) await member.options.onAssign?.(owned);
    this.rebalanced.notify();
  }

  /** Delivers at most one batch per owned partition; returns whether anything was delivered. */
  private async deliverRound(): Promise<boolean> {
    let delivered = false;
    for (const [member, owned] of this.assignment) {
      for (const { topic, partitions } of owned) {
        for (const partition of partitions) {
          if (this.needsRebalance || !this.members.includes(member)) return delivered;
          const key = `${topic}/${partition}`;
          const from = this.positions.get(key)!;
          const records = this.transport.storedTopic(topic).partitions[partition]!.readFrom(from, this.transport.maxBatchRecords);
          if (records.length === 0) continue;
          const next = Number(records[records.length - 1]!.offset) + 1;
          delivered = true;
          this.transport.metrics?.received(topic, records.length);
          try {
            await member.options.eachBatch({ topic, partition, records, heartbeat: async () => {} });
            this.positions.set(key, next);
            this.transport.delivered.notify();
            if (!member.manualCommit) {
              this.committed.set(key, next);
              this.transport.trim(topic, partition);
            }
            this.failures = 0;
            // Handlers that never wait on I/O resolve in microtasks: without a turn of the event loop
            // after each batch a backlog would be worked off before any socket is read, /healthz included.
            await new Promise((resolve) => setImmediate(resolve));
          } catch (error) {
            this.positions.set(key, this.committed.get(key)!);
            await this.backOff(error, topic, partition);
            return true;
          }
        }
      }
    }
    return delivered;
  }

  /** A manual member's commit: only partitions it owns, as a late commit must not move a new owner back. */
  commit(member: InProcessConsumer, positions: readonly CommitPosition[]): void {
    const owned = this.assignment.get(member) ?? [];
    for (const { topic, partition, offset } of positions) {
      if (owned.some((a) => a.topic === topic && a.partitions.includes(partition))) {
        this.committed.set(`${topic}/${partition}`, Number(offset));
        this.transport.trim(topic, partition);
      }
    }
  }

  private async backOff(error: unknown, topic: string, partition: number): Promise<void> {
    this.failures++;
    const delayMs = Math.min(MAX_RETRY_DELAY_MS, this.transport.retryDelayMs * 2 ** (this.failures - 1));
    this.transport.logger?.warn(
      { groupId: this.groupId, topic, partition, delayMs, err: error },
      'batch handler failed; the batch will be delivered again',
    );
    // A member leaving must not wait out the back-off: it only needs the batch to be over.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => (timer = setTimeout(resolve, delayMs))),
      this.membershipChanged.wait(),
    ]);
    clearTimeout(timer);
  }
}

class InProcessConsumer implements Consumer {
  private started = false;
  readonly manualCommit: boolean;
  constructor(
    readonly options: ConsumerOptions,
    private readonly group: InProcessGroup,
  ) {
    this.manualCommit = options.commit === 'manual' && options.broadcast !== true;
  }

  async commit(positions: readonly CommitPosition[]): Promise<void> {
    if (this.started && this.manualCommit) this.group.commit(this, positions);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.group.join(this);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.group.leave(this);
  }

  /** In one process there is no connection to lose, and a group holds one deployment's topics. */
  problem(): string | undefined {
    return undefined;
  }
}

export class InProcessTransport implements Transport {
  readonly kind = 'in-process' as const;
  readonly signal = new Signal();
  /** Wakes sends waiting for a backlog to shrink: a delivery, a member leaving, closing. */
  readonly delivered = new Signal();
  readonly maxBatchRecords: number;
  readonly retryDelayMs: number;
  readonly logger: TransportLogger | undefined;
  readonly metrics: TransportMetrics | undefined;
  /** Groups whose committed offsets hold records back from retention. */
  readonly activeGroups = new Set<InProcessGroup>();
  private readonly partitions: number;
  private readonly prefix: string;
  private readonly retainedBytesPerPartition: number;
  private readonly compactedTopics: ReadonlySet<string>;
  private readonly boundedTopics: ReadonlySet<string>;
  private readonly maxUndeliveredBytesPerPartition: number;
  private closed = false;
  private readonly topics = new Map<string, StoredTopic>();
  private readonly groups = new Map<string, InProcessGroup>();
  private readonly consumers = new Set<InProcessConsumer>();
  private roundRobin = 0;

  constructor(options: InProcessTransportOptions = {}) {
    this.partitions = options.partitions ?? 6;
    this.prefix = options.prefix ?? 'vigil.';
    this.maxBatchRecords = options.maxBatchRecords ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.retainedBytesPerPartition = options.retainedBytesPerPartition ?? DEFAULT_RETAINED_BYTES_PER_PARTITION;
    this.compactedTopics = new Set(planTopics(this.prefix).filter((planned) => planned.compacted).map((planned) => planned.name));
    this.boundedTopics = new Set((options.boundedTopics ?? []).map((role) => this.topic(role)));
    this.maxUndeliveredBytesPerPartition = options.maxUndeliveredBytesPerPartition ?? DEFAULT_MAX_UNDELIVERED_BYTES_PER_PARTITION;
    this.logger = options.logger;
    this.metrics = options.metrics;
  }

  topic(role: TopicRole): string {
    return topicName(this.prefix, role);
  }

  async ensureTopics(): Promise<void> {
    for (const { name } of planTopics(this.prefix)) this.storedTopic(name);
  }

  /** Topics spring into existence on first use: there is no broker to ask, and nothing to misconfigure. */
  storedTopic(topic: string): StoredTopic {
    let stored = this.topics.get(topic);
    if (stored === undefined) {
      const retention = { bytes: this.retainedBytesPerPartition, compacted: this.compactedTopics.has(topic) };
      stored = { partitions: Array.from({ length: this.partitions }, () => new PartitionLog(retention)) };
      this.topics.set(topic, stored);
    }
    return stored;
  }

  async producer(): Promise<Producer> {
    return {
      send: async (topic, records) => this.append(topic, records),
      problem: () => undefined,
      answeredSince: () => true,
      close: async () => {},
    };
  }

  private async append(topic: string, records: readonly (OutgoingRecord | OutgoingTombstone)[]): Promise<void> {
    const stored = this.storedTopic(topic);
    const count = stored.partitions.length;
    const touched = new Set<number>();
    for (const record of records) {
      const partition = record.partition ?? (record.key === null ? this.roundRobin++ % count : partitionForKey(record.key, count));
      const log = stored.partitions[partition];
      if (log === undefined) {
        throw new VigilError('VIGIL_KAFKA_TOPIC', `${topic} has ${count} partitions; partition ${partition} does not exist`);
      }
      log.append({
        topic,
        partition,
        key: record.key,
        value: record.value === null ? Buffer.alloc(0) : typeof record.value === 'string' ? Buffer.from(record.value) : record.value,
        ...(record.value === null ? { tombstone: true as const } : {}),
        headers: { ...(record.value === null ? {} : record.headers) },
        timestamp: Date.now(),
      });
      touched.add(partition);
    }
    for (const partition of touched) this.trim(topic, partition);
    this.metrics?.sent(topic, records.length);
    this.signal.notify();
    if (this.boundedTopics.has(topic)) for (const partition of touched) await this.untilDelivered(topic, partition);
  }

  /** Resolves once no group with members has more than the allowed bytes of the partition left to deliver. */
  private async untilDelivered(topic: string, partition: number): Promise<void> {
    const log = this.storedTopic(topic).partitions[partition]!;
    const key = `${topic}/${partition}`;
    while (!this.closed) {
      let backlog = 0;
      for (const group of this.activeGroups) backlog = Math.max(backlog, group.undeliveredBytes(key, log));
      if (backlog <= this.maxUndeliveredBytesPerPartition) return;
      await this.delivered.wait();
    }
  }

  consumer(options: ConsumerOptions): Consumer {
    // A broadcast consumer is a group of one that nobody can join, so it is never kept in the registry.
    let group = options.broadcast === true ? new InProcessGroup(options.groupId, this, true) : this.groups.get(options.groupId);
    if (group === undefined) {
      group = new InProcessGroup(options.groupId, this);
      this.groups.set(options.groupId, group);
    }
    const consumer = new InProcessConsumer(options, group);
    this.consumers.add(consumer);
    return consumer;
  }

  async partitionCount(topic: string): Promise<number> {
    return this.storedTopic(topic).partitions.length;
  }

  partitionFor(key: string, partitionCount: number): number {
    return partitionForKey(key, partitionCount);
  }

  async readAll(topic: string, { partitions, since }: ReadAllOptions = {}): Promise<IncomingRecord[]> {
    const stored = this.storedTopic(topic);
    return stored.partitions.flatMap((log, partition) =>
      partitions === undefined || partitions.includes(partition) ? (since === undefined ? log.all() : log.since(since)) : [],
    );
  }

  /** Bytes a partition holds now: what retention keeps plus what a group has yet to commit. */
  retainedBytes(topic: string, partition: number): number {
    return this.storedTopic(topic).partitions[partition]?.retainedBytes ?? 0;
  }

  /** Applies retention to what every active group committed in the partition. */
  trim(topic: string, partition: number): void {
    const log = this.storedTopic(topic).partitions[partition];
    if (log === undefined) return;
    let consumedUpTo = log.nextOffset;
    const key = `${topic}/${partition}`;
    for (const group of this.activeGroups) consumedUpTo = Math.min(consumedUpTo, group.committed.get(key) ?? consumedUpTo);
    log.trim(consumedUpTo);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.delivered.notify();
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
  }
}
