// A consumer-group member on kafkajs with commit-after-processing: offsets are resolved and
// committed only once eachBatch resolves, so a crash or a throw before that means the batch is
// delivered again (at-least-once). stop() lets the in-flight batch finish and commit first.
// With commit 'manual' the caller commits what it has made durable, and a throw rewinds the
// partition to that point.

import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Consumer as KafkaJsConsumer, EachBatchPayload, GroupDescription, Kafka, KafkaMessage } from 'kafkajs';
import { VigilError } from '@vigil/contract';
import { revokedPartitions } from './assignment-change';
import { kafkaUnavailable, withKafkaErrors } from './kafka-errors';
import { retryWhileLeadershipSettles } from './leadership-retry';
import type { CommitPosition, Consumer, ConsumerOptions, Headers, IncomingRecord, PartitionAssignment } from './transport';
import type { TransportLogger } from './transport-logger';
import type { TransportMetrics } from './transport-metrics';

export interface GroupConsumerTuning {
  /** Longest a fetch waits for new records; short, so stop() and tests are quick. */
  maxWaitTimeMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

function headersOf(message: KafkaMessage): Headers {
  const headers: Headers = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  return headers;
}

export function toIncomingRecord(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    value: message.value ?? Buffer.alloc(0),
    ...(message.value === null ? { tombstone: true as const } : {}),
    headers: headersOf(message),
    timestamp: Number(message.timestamp),
  };
}

function toAssignment(memberAssignment: Record<string, number[]>): PartitionAssignment[] {
  return Object.entries(memberAssignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
}

/** What every group member of one transport shares. */
export interface GroupConsumerContext {
  client: Kafka;
  tuning: GroupConsumerTuning;
  logger: TransportLogger;
  metrics: TransportMetrics | undefined;
  /** How long subscribing retries while a new topic's leadership settles. */
  leaderWaitMs: number;
  /** Removes a group (a broadcast consumer's, on stop). */
  deleteGroup(groupId: string): Promise<void>;
  /** The group's current members as the broker describes them. */
  describeGroup(groupId: string): Promise<GroupDescription>;
}

// kafkajs is CommonJS; Node's ESM loader does detect this named export, but keep to the default import.
const { AssignerProtocol } = kafkajs;

/** The topics a member subscribed to, from its join metadata; none when it cannot be read. */
function subscribedTopics(memberMetadata: Buffer): string[] {
  try {
    return AssignerProtocol.MemberMetadata.decode(memberMetadata)?.topics ?? [];
  } catch {
    return [];
  }
}

/**
 * Members of one group share its partitions whatever they subscribed to: a member of another
 * deployment (another VIGIL_TOPIC_PREFIX, same group id) is assigned partitions of ours that it
 * never reads, and we get some of its. Named so the fix is one variable.
 */
function groupConflict(groupId: string, setting: string | undefined, ours: readonly string[], theirs: readonly string[]): VigilError {
  const variable = setting ?? 'the consumer group id';
  const example = setting === undefined ? '' : `, e.g. ${setting}=${groupId}-${ours[0]?.split('.')[0] ?? 'other'}`;
  return new VigilError(
    'VIGIL_CONFIG_INVALID',
    `Kafka consumer group "${groupId}" is already used by members reading ${theirs.join(', ')}, while this one reads ${ours.join(', ')}. ` +
      `Members of one group share its partitions, so each would leave partitions of the other unread. ` +
      `Give each deployment (each VIGIL_TOPIC_PREFIX) a group of its own with ${variable}${example}.`,
  );
}

export class KafkaGroupConsumer implements Consumer {
  private consumer: KafkaJsConsumer | undefined;
  /** The latest onRevoke + onAssign calls; a batch waits for them so they always run before that generation's batches. */
  private assigned: Promise<void> = Promise.resolve();
  /** This member's partitions as of the last GROUP_JOIN, to tell onRevoke what a rebalance took away. */
  private owned: PartitionAssignment[] = [];

  /** The group this member joins: the given one, or a name of its own for a broadcast consumer. */
  private readonly groupId: string;
  private readonly manualCommit: boolean;
  /**
   * commit 'manual': per `topic/partition`, where a throw rewinds to — the last position the caller
   * committed, else the first offset delivered since joining (what the group had committed).
   */
  private readonly rewindPoints = new Map<string, string>();
  /** The chain of manual commits, so they reach Kafka in call order. */
  private commits: Promise<void> = Promise.resolve();
  /** A restart under way at stop() joined anyway: its batches are not ours to process. */
  private rejoinedAfterStop = false;
  /** Since the last crash, until the next join: why this member does not consume. */
  private crashed: string | undefined;
  /** The group conflict found at the last join (see groupConflict), if any. */
  private conflict: VigilError | undefined;
  /** Joins so far, so a member check of an older join does not overwrite a newer one. */
  private joins = 0;
  /** Topics of other members assigned to us at the join under way (kafkajs reports them before GROUP_JOIN). */
  private foreignTopics: string[] | undefined;

  constructor(
    private readonly context: GroupConsumerContext,
    private readonly options: ConsumerOptions,
  ) {
    this.groupId = options.broadcast === true ? `${options.groupId}-${randomUUID()}` : options.groupId;
    this.manualCommit = options.commit === 'manual' && options.broadcast !== true;
  }

  async start(): Promise<void> {
    if (this.consumer !== undefined) return;
    const { client, tuning, logger, leaderWaitMs } = this.context;
    const { groupId } = this;
    const { topics, fromBeginning = true } = this.options;
    if (this.options.broadcast !== true) await this.refuseForeignGroup();
    const consumer = client.consumer({
      groupId,
      maxWaitTimeInMs: tuning.maxWaitTimeMs,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      // kafkajs restarts a consumer that lost Kafka, which carries a member through an outage.
      // After stop() no restart: one would rejoin the group once Kafka is back, in a process that
      // has stopped (kafkajs's disconnect does not cancel a restart already under way).
      retry: { restartOnFailure: async () => this.consumer === consumer },
      ...(this.options.maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition: this.options.maxBytesPerPartition }),
      ...(this.options.maxBytes === undefined ? {} : { maxBytes: this.options.maxBytes }),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.RECEIVED_UNSUBSCRIBED_TOPICS, ({ payload }) => {
      this.foreignTopics = payload.topicsNotSubscribed;
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.consumer !== consumer) {
        // A restart under way when stop() came has joined after all: leave again, hand over nothing.
        this.rejoinedAfterStop = true;
        logger.warn({ groupId }, 'a stopped consumer rejoined its group; leaving it again');
        void consumer.disconnect().catch(() => {});
        return;
      }
      this.crashed = undefined;
      this.checkMembersAfterJoin(this.foreignTopics ?? []);
      this.foreignTopics = undefined;
      const assignment = toAssignment(payload.memberAssignment);
      const revoked = revokedPartitions(this.owned, assignment);
      this.owned = assignment;
      // A new generation starts every partition at the group's committed offset.
      this.rewindPoints.clear();
      logger.info({ groupId, assignment, revoked }, 'joined consumer group');
      this.assigned = this.assigned
        .then(() => (revoked.length > 0 ? this.options.onRevoke?.(revoked) : undefined))
        .catch((error: unknown) => logger.error({ groupId, err: error }, 'onRevoke failed'))
        .then(() => this.options.onAssign?.(assignment))
        .catch((error: unknown) => logger.error({ groupId, err: error }, 'onAssign failed'));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const level = payload.restart ? 'warn' : 'error';
      // For /readyz, which anyone may read: kafkajs's error names brokers and addresses, so it goes to the log only.
      this.crashed = payload.restart
        ? 'consumer lost Kafka and is reconnecting (the log has the error: "consumer crashed")'
        : 'consumer stopped for good: restart the process (the log has the error: "consumer crashed")';
      logger[level]({ groupId, restart: payload.restart, err: payload.error }, 'consumer crashed');
    });
    try {
      await withKafkaErrors(`consumer connect (group ${groupId})`, () => consumer.connect());
      await retryWhileLeadershipSettles(
        () => withKafkaErrors(`subscribe (group ${groupId})`, () => consumer.subscribe({ topics: [...topics], fromBeginning })),
        { timeoutMs: leaderWaitMs },
      );
      await withKafkaErrors(`consumer start (group ${groupId})`, () =>
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: (payload) => (this.rejoinedAfterStop ? Promise.resolve() : this.processBatch(payload, consumer)),
        }),
      );
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => {});
      throw error;
    }
  }

  private async processBatch(
    { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isStale }: EachBatchPayload,
    consumer: KafkaJsConsumer,
  ): Promise<void> {
    await this.assigned;
    // A batch of a partition that was revoked or re-seeked meanwhile belongs to someone else now.
    if (isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    this.context.metrics?.received(topic, batch.messages.length);
    const key = `${topic}/${partition}`;
    if (this.manualCommit && !this.rewindPoints.has(key)) this.rewindPoints.set(key, batch.messages[0]!.offset);
    try {
      await this.options.eachBatch({
        topic,
        partition,
        records: batch.messages.map((message) => toIncomingRecord(topic, partition, message)),
        heartbeat,
      });
    } catch (error) {
      // kafkajs would fetch again from the failed batch; the caller's state went back further.
      const rewindTo = this.rewindPoints.get(key);
      if (this.manualCommit && rewindTo !== undefined) consumer.seek({ topic, partition, offset: rewindTo });
      throw error;
    }
    const lastOffset = batch.lastOffset();
    // Resolving moves this member's fetch position; committing is what a later member resumes from.
    resolveOffset(lastOffset);
    if (this.options.broadcast === true || this.manualCommit) return;
    const next = (BigInt(lastOffset) + 1n).toString();
    await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
  }

  /**
   * Refuses to join a group whose members read none of our topics: joining would take partitions
   * of that other deployment and leave them unread. Members of an older or newer Vigil share
   * topics with us, so a rolling upgrade passes.
   */
  private async refuseForeignGroup(): Promise<void> {
    const theirs = await this.foreignMembersTopics();
    if (theirs.length > 0) throw groupConflict(this.groupId, this.options.groupSetting, this.options.topics, theirs);
  }

  /** The topics of the group's members that read none of ours (another deployment), sorted. */
  private async foreignMembersTopics(): Promise<string[]> {
    const { members } = await this.context.describeGroup(this.groupId);
    const ours = new Set(this.options.topics);
    const foreign = members.map((member) => subscribedTopics(member.memberMetadata)).filter((topics) => topics.length > 0 && !topics.some((t) => ours.has(t)));
    return [...new Set(foreign.flat())].sort();
  }

  /**
   * After a join: a leader assigns only its own topics, so a member of another deployment may be
   * in the group without handing us any of its topics; ask the broker who the members are.
   * `unsubscribed`: topics the join assigned us that we do not read (kafkajs drops them).
   */
  private checkMembersAfterJoin(unsubscribed: readonly string[]): void {
    const join = ++this.joins;
    const settle = (theirs: readonly string[]) => {
      if (join !== this.joins) return;
      const before = this.conflict;
      this.conflict = theirs.length === 0 ? undefined : groupConflict(this.groupId, this.options.groupSetting, this.options.topics, theirs);
      if (this.conflict !== undefined && before?.message !== this.conflict.message) {
        this.context.logger.error({ groupId: this.groupId, err: this.conflict }, 'consumer group shared with another deployment');
      }
    };
    settle(unsubscribed);
    this.foreignMembersTopics().then(
      (theirs) => settle([...new Set([...unsubscribed, ...theirs])].sort()),
      (error: unknown) => this.context.logger.warn({ groupId: this.groupId, err: error }, 'could not list the members of the consumer group'),
    );
  }

  problem(): string | undefined {
    if (this.consumer === undefined) return undefined;
    return this.conflict?.message ?? this.crashed;
  }

  commit(positions: readonly CommitPosition[]): Promise<void> {
    const consumer = this.consumer;
    if (!this.manualCommit || consumer === undefined) return Promise.resolve();
    const owned = positions.filter(({ topic, partition }) => this.owned.some((a) => a.topic === topic && a.partitions.includes(partition)));
    if (owned.length === 0) return Promise.resolve();
    for (const { topic, partition, offset } of owned) this.rewindPoints.set(`${topic}/${partition}`, offset);
    const commit = this.commits.then(() =>
      withKafkaErrors(`commit offsets (group ${this.groupId})`, () => consumer.commitOffsets(owned.map(({ topic, partition, offset }) => ({ topic, partition, offset })))),
    );
    this.commits = commit.catch(() => undefined);
    return commit;
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    this.consumer = undefined;
    await this.commits;
    try {
      // disconnect() stops fetching, waits for the in-flight eachBatch (which commits), then leaves the group.
      await consumer.disconnect();
    } catch (error) {
      throw kafkaUnavailable(`consumer stop (group ${this.groupId})`, error);
    }
    if (this.options.broadcast === true) {
      // Nobody will use this group again. Failing to delete it is harmless: with no offsets, Kafka drops it soon.
      await this.context.deleteGroup(this.groupId).catch((error: unknown) => {
        this.context.logger.warn({ groupId: this.groupId, err: error }, 'could not delete a broadcast consumer group; Kafka drops it once empty');
      });
    }
  }
}
