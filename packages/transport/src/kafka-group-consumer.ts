// A consumer-group member on kafkajs with commit-after-processing: offsets are resolved and
// committed only once eachBatch resolves, so a crash or a throw before that means the batch is
// delivered again (at-least-once). stop() lets the in-flight batch finish and commit first.

import type { Consumer as KafkaJsConsumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { revokedPartitions } from './assignment-change';
import { kafkaUnavailable, withKafkaErrors } from './kafka-errors';
import { retryWhileLeadershipSettles } from './leadership-retry';
import type { Consumer, ConsumerOptions, Headers, IncomingRecord, PartitionAssignment } from './transport';
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
    headers: headersOf(message),
    timestamp: Number(message.timestamp),
  };
}

function toAssignment(memberAssignment: Record<string, number[]>): PartitionAssignment[] {
  return Object.entries(memberAssignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
}

export class KafkaGroupConsumer implements Consumer {
  private consumer: KafkaJsConsumer | undefined;
  /** The latest onRevoke + onAssign calls; a batch waits for them so they always run before that generation's batches. */
  private assigned: Promise<void> = Promise.resolve();
  /** This member's partitions as of the last GROUP_JOIN, to tell onRevoke what a rebalance took away. */
  private owned: PartitionAssignment[] = [];

  constructor(
    private readonly client: Kafka,
    private readonly options: ConsumerOptions,
    private readonly tuning: GroupConsumerTuning,
    private readonly logger: TransportLogger,
    private readonly metrics: TransportMetrics | undefined,
    /** How long subscribing retries while a new topic's leadership settles. */
    private readonly leaderWaitMs: number,
  ) {}

  async start(): Promise<void> {
    if (this.consumer !== undefined) return;
    const { groupId, topics, fromBeginning = true } = this.options;
    const consumer = this.client.consumer({
      groupId,
      maxWaitTimeInMs: this.tuning.maxWaitTimeMs,
      sessionTimeout: this.tuning.sessionTimeoutMs,
      heartbeatInterval: this.tuning.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assignment = toAssignment(payload.memberAssignment);
      const revoked = revokedPartitions(this.owned, assignment);
      this.owned = assignment;
      this.logger.info({ groupId, assignment, revoked }, 'joined consumer group');
      this.assigned = this.assigned
        .then(() => (revoked.length > 0 ? this.options.onRevoke?.(revoked) : undefined))
        .catch((error: unknown) => this.logger.error({ groupId, err: error }, 'onRevoke failed'))
        .then(() => this.options.onAssign?.(assignment))
        .catch((error: unknown) => this.logger.error({ groupId, err: error }, 'onAssign failed'));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const level = payload.restart ? 'warn' : 'error';
      this.logger[level]({ groupId, restart: payload.restart, err: payload.error }, 'consumer crashed');
    });
    try {
      await withKafkaErrors(`consumer connect (group ${groupId})`, () => consumer.connect());
      await retryWhileLeadershipSettles(
        () => withKafkaErrors(`subscribe (group ${groupId})`, () => consumer.subscribe({ topics: [...topics], fromBeginning })),
        { timeoutMs: this.leaderWaitMs },
      );
      await withKafkaErrors(`consumer start (group ${groupId})`, () =>
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: (payload) => this.processBatch(payload),
        }),
      );
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => {});
      throw error;
    }
  }

  private async processBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isStale }: EachBatchPayload): Promise<void> {
    await this.assigned;
    // A batch of a partition that was revoked or re-seeked meanwhile belongs to someone else now.
    if (isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    this.metrics?.received(topic, batch.messages.length);
    await this.options.eachBatch({
      topic,
      partition,
      records: batch.messages.map((message) => toIncomingRecord(topic, partition, message)),
      heartbeat,
    });
    const lastOffset = batch.lastOffset();
    resolveOffset(lastOffset);
    const next = (BigInt(lastOffset) + 1n).toString();
    await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    this.consumer = undefined;
    try {
      // disconnect() stops fetching, waits for the in-flight eachBatch (which commits), then leaves the group.
      await consumer.disconnect();
    } catch (error) {
      throw kafkaUnavailable(`consumer stop (group ${this.options.groupId})`, error);
    }
  }
}
