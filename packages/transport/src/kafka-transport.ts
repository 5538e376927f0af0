// The Kafka transport on kafkajs: keyed producer with acks=all, consumer groups that commit after
// processing, idempotent topic creation, and reading a topic from its start (state restore).

import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Admin, ICustomPartitioner, Kafka, Producer as KafkaJsProducer } from 'kafkajs';
import { BrokerCheck } from './broker-check';
import { VigilError, topicName } from '@vigil/contract';
import type { TopicRole } from '@vigil/contract';
import { createKafkaClient } from './kafka-client';
import type { KafkaSettings } from './kafka-client';
import { brokersUnreachable, withKafkaErrors } from './kafka-errors';
import { KafkaGroupConsumer, toIncomingRecord } from './kafka-group-consumer';
import type { GroupConsumerContext, GroupConsumerTuning } from './kafka-group-consumer';
import { fetchOffsetsWhenSettled, leaderNotAvailable, retryWhileLeadershipSettles } from './leadership-retry';
import { partitionForKey } from './murmur2-partitioner';
import { planTopics } from './topic-plan';

// kafkajs is CommonJS; Node's ESM loader detects only some of its named exports (not this one).
const { ConfigResourceTypes } = kafkajs;
import type { Consumer, ConsumerOptions, IncomingRecord, OutgoingRecord, OutgoingTombstone, Producer, ReadAllOptions, Transport } from './transport';
import type { TransportLogger } from './transport-logger';
import type { TransportMetrics } from './transport-metrics';

export interface KafkaTransportOptions {
  kafka: KafkaSettings;
  logger: TransportLogger;
  /** Consumer fetch wait, session timeout and heartbeat; defaults suit both services and tests. */
  consumer?: Partial<GroupConsumerTuning>;
  /** Longest readAll waits to reach the end offsets it saw at call time. Default 60 s. */
  readAllTimeoutMs?: number;
  /**
   * Longest a call keeps retrying while a partition's leadership settles (a topic just created, a
   * leader moving): ensureTopics waiting for leaders, readAll, partitionCount, subscribing. Default 30 s.
   */
  leaderWaitMs?: number;
  metrics?: TransportMetrics;
  /** How often a producer whose problem() was asked checks that a broker answers. Default 5 s. */
  brokerCheckMs?: number;
}

const PRODUCER_RETRY = { initialRetryTime: 200, retries: 5 };
const DEFAULT_TUNING: GroupConsumerTuning = { maxWaitTimeMs: 200, sessionTimeoutMs: 30000, heartbeatIntervalMs: 3000 };

/** The producer's partitioner: Java's murmur2 for keyed records, so partitionFor() agrees with it. */
const murmur2Partitioner: ICustomPartitioner = () => {
  let next = 0;
  return ({ partitionMetadata, message }) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key !== undefined && message.key !== null) return partitionForKey(message.key, partitionMetadata.length);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const pool = available.length > 0 ? available : partitionMetadata;
    return pool[next++ % pool.length]!.partitionId;
  };
};

export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const;
  private readonly client: Kafka;
  private readonly settings: KafkaSettings;
  private readonly logger: TransportLogger;
  private readonly tuning: GroupConsumerTuning;
  private readonly readAllTimeoutMs: number;
  private readonly leaderWaitMs: number;
  private readonly metrics: TransportMetrics | undefined;
  private readonly brokerCheckMs: number;
  private readonly groupContext: GroupConsumerContext;
  private admin: Promise<Admin> | undefined;
  private readonly producers = new Set<KafkaJsProducer>();
  private readonly brokerChecks = new Set<BrokerCheck>();
  private readonly consumers = new Set<KafkaGroupConsumer>();

  constructor(options: KafkaTransportOptions) {
    this.settings = options.kafka;
    this.logger = options.logger;
    this.tuning = { ...DEFAULT_TUNING, ...options.consumer };
    this.readAllTimeoutMs = options.readAllTimeoutMs ?? 60000;
    this.leaderWaitMs = options.leaderWaitMs ?? 30000;
    this.metrics = options.metrics;
    this.brokerCheckMs = options.brokerCheckMs ?? 5000;
    this.client = createKafkaClient(options.kafka, options.logger);
    this.groupContext = {
      client: this.client,
      tuning: this.tuning,
      logger: this.logger,
      metrics: this.metrics,
      leaderWaitMs: this.leaderWaitMs,
      deleteGroup: async (groupId) => {
        await this.withAdmin(`delete group ${groupId}`, (admin) => admin.deleteGroups([groupId]));
      },
      describeGroup: async (groupId) => {
        const { groups } = await this.withAdmin(`describe group ${groupId}`, (admin) => admin.describeGroups([groupId]));
        return groups[0] ?? { groupId, members: [], protocol: '', protocolType: '', state: 'Dead' };
      },
    };
  }

  topic(role: TopicRole): string {
    return topicName(this.settings.topicPrefix, role);
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= withKafkaErrors('admin connect', async () => {
      const admin = this.client.admin();
      await admin.connect();
      return admin;
    }).catch((error: unknown) => {
      this.admin = undefined;
      throw brokersUnreachable(this.settings.brokers ?? [], error);
    });
    return this.admin;
  }

  /**
   * Runs an admin call, retrying while partition leadership settles. A retry uses an admin of its
   * own: kafkajs keeps an admin's metadata for minutes, and that metadata may name no leader or an
   * old one (it does not refresh on NOT_LEADER).
   */
  private withAdmin<T>(action: string, call: (admin: Admin) => Promise<T>): Promise<T> {
    return retryWhileLeadershipSettles(
      async (attempt) => {
        if (attempt === 1) {
          const admin = await this.connectedAdmin();
          return withKafkaErrors(action, () => call(admin));
        }
        const fresh = this.client.admin();
        try {
          return await withKafkaErrors(action, async () => {
            await fresh.connect();
            return call(fresh);
          });
        } finally {
          await fresh.disconnect().catch(() => {});
        }
      },
      {
        timeoutMs: this.leaderWaitMs,
        onRetry: (error, attempt, delayMs) =>
          this.logger.info({ action, attempt, delayMs, err: error }, 'partition leadership is settling; retrying'),
      },
    );
  }

  async ensureTopics(): Promise<void> {
    const planned = planTopics(this.settings.topicPrefix);
    await this.withAdmin('create topics', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = planned.filter((topic) => !existing.has(topic.name));
      if (missing.length === 0) return;
      // createTopics treats "already exists" as success, so instances racing at start-up are fine.
      await admin.createTopics({
        waitForLeaders: true,
        timeout: this.leaderWaitMs,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: this.settings.topicPartitions,
          replicationFactor: this.settings.topicReplication,
          configEntries: topic.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
      this.logger.info({ topics: missing.map((t) => t.name) }, 'created Kafka topics');
    });
    await this.waitForServingLeaders(planned.map((topic) => topic.name));
    await this.checkCompaction(planned.filter((topic) => topic.compacted).map((topic) => topic.name));
    await this.warnAboutFewerPartitions(planned.map((topic) => topic.name));
  }

  /**
   * Topics someone created beforehand keep their own partition count: fewer than
   * VIGIL_TOPIC_PARTITIONS caps how many detector or alerter instances get work, silently so far.
   */
  private async warnAboutFewerPartitions(names: readonly string[]): Promise<void> {
    const wanted = this.settings.topicPartitions;
    const { topics } = await this.withAdmin('describe topics', (admin) => admin.fetchTopicMetadata({ topics: [...names] }));
    const fewer = topics.filter((topic) => topic.partitions.length < wanted).map((topic) => `${topic.name} (${topic.partitions.length})`);
    if (fewer.length === 0) return;
    this.logger.warn(
      { topics: fewer },
      `topics have fewer partitions than VIGIL_TOPIC_PARTITIONS=${wanted}: ${fewer.join(', ')}. Vigil leaves existing topics as they are, ` +
        'so no more consumer instances than a topic has partitions get work from it (the others stay idle and not ready)',
    );
  }

  /**
   * createTopics' own wait is skipped when another instance created the topics a moment ago, and a
   * leader named in the metadata may still refuse requests: wait until every partition has a
   * leader and every topic answers an offsets request, so the first readAll, send or fetch works.
   */
  private async waitForServingLeaders(names: readonly string[]): Promise<void> {
    await this.withAdmin('wait for topic leaders', async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
      const leaderless = names.filter((name) => {
        const partitions = topics.find((topic) => topic.name === name)?.partitions ?? [];
        return partitions.length === 0 || partitions.some((partition) => partition.leader < 0);
      });
      if (leaderless.length > 0) throw leaderNotAvailable(`no leader yet for every partition of ${leaderless.join(', ')}`);
      for (const name of names) await fetchOffsetsWhenSettled(name, () => admin.fetchTopicOffsets(name));
    });
  }

  /** A state topic someone created without compaction would silently lose checkpoints: refuse it. */
  private async checkCompaction(names: string[]): Promise<void> {
    if (names.length === 0) return;
    const described = await this.withAdmin('describe topic configs', (admin) =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
      }),
    );
    for (const resource of described.resources) {
      const policy = resource.configEntries.find((entry) => entry.configName === 'cleanup.policy')?.configValue ?? '';
      if (!policy.split(',').includes('compact')) {
        throw new VigilError(
          'VIGIL_KAFKA_TOPIC',
          `Topic ${resource.resourceName} holds state and must be compacted, but its cleanup.policy is "${policy}". ` +
            `Fix it with: kafka-configs.sh --alter --entity-type topics --entity-name ${resource.resourceName} --add-config cleanup.policy=compact`,
        );
      }
    }
  }

  async producer(): Promise<Producer> {
    // Idempotent: kafkajs retries a whole request when one partition fails (e.g. NOT_LEADER just
    // after topic creation or during a leader move), and without producer sequence numbers the
    // partitions that had succeeded are written twice. kafkajs then serialises requests per broker.
    // Retries stay bounded (kafkajs warns once about that): a send must fail in seconds so the
    // collector can refuse input; the caller's retry keeps delivery at-least-once.
    const producer = this.client.producer({
      allowAutoTopicCreation: false,
      createPartitioner: murmur2Partitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: PRODUCER_RETRY,
    });
    await withKafkaErrors('producer connect', () => producer.connect());
    this.producers.add(producer);
    const brokerCheck = new BrokerCheck({
      client: createKafkaClient(this.settings, this.logger, { retry: { retries: 0 }, logLevel: kafkajs.logLevel.NOTHING, requestTimeout: this.brokerCheckMs }),
      intervalMs: this.brokerCheckMs,
      timeoutMs: this.brokerCheckMs,
      logger: this.logger,
    });
    this.brokerChecks.add(brokerCheck);
    return {
      problem: () => brokerCheck.problem(),
      answeredSince: (time) => brokerCheck.answeredSince(time),
      send: async (topic: string, records: readonly (OutgoingRecord | OutgoingTombstone)[]) => {
        if (records.length === 0) return;
        await withKafkaErrors(`send to ${topic}`, () =>
          producer.send({
            topic,
            acks: -1,
            messages: records.map((record) => ({
              key: record.key,
              value: record.value,
              headers: record.value === null ? undefined : record.headers,
              partition: record.partition,
            })),
          }),
        );
        this.metrics?.sent(topic, records.length);
      },
      close: async () => {
        this.brokerChecks.delete(brokerCheck);
        await brokerCheck.stop();
        this.producers.delete(producer);
        await withKafkaErrors('producer disconnect', () => producer.disconnect());
      },
    };
  }

  consumer(options: ConsumerOptions): Consumer {
    const consumer = new KafkaGroupConsumer(this.groupContext, options);
    this.consumers.add(consumer);
    return consumer;
  }

  async partitionCount(topic: string): Promise<number> {
    const metadata = await this.withAdmin(`describe ${topic}`, (admin) => admin.fetchTopicMetadata({ topics: [topic] }));
    return metadata.topics[0]?.partitions.length ?? 0;
  }

  partitionFor(key: string, partitionCount: number): number {
    return partitionForKey(key, partitionCount);
  }

  /**
   * kafkajs cannot assign partitions without a group, so a throwaway group reads from the start
   * (or the offset `since` maps to) until every partition reaches the end offset seen at call
   * time, then the group is deleted. A leadership error (a topic just created) starts the whole
   * read again.
   */
  readAll(topic: string, options: ReadAllOptions = {}): Promise<IncomingRecord[]> {
    return this.withAdmin(`read ${topic}`, (admin) => this.readAllWith(admin, topic, options));
  }

  /** Per partition, where a read starts and the end it stops at; partitions with nothing to read are left out. */
  private async readRanges(admin: Admin, topic: string, { partitions, since }: ReadAllOptions): Promise<Map<number, { from: bigint; end: bigint }>> {
    const offsets = await fetchOffsetsWhenSettled(topic, () => admin.fetchTopicOffsets(topic));
    // The first offset at or after `since` per partition (the end offset when nothing is that recent).
    const fromTime =
      since === undefined
        ? undefined
        : new Map((await admin.fetchTopicOffsetsByTimestamp(topic, since)).map(({ partition, offset }) => [partition, BigInt(offset)]));
    const ranges = new Map<number, { from: bigint; end: bigint }>();
    for (const { partition, high, low } of offsets) {
      if (partitions !== undefined && !partitions.includes(partition)) continue;
      const earliest = BigInt(low);
      const at = fromTime?.get(partition);
      const from = at === undefined || at < earliest ? earliest : at;
      if (BigInt(high) > from) ranges.set(partition, { from, end: BigInt(high) });
    }
    return ranges;
  }

  private async readAllWith(admin: Admin, topic: string, options: ReadAllOptions): Promise<IncomingRecord[]> {
    const ranges = await this.readRanges(admin, topic, options);
    const remaining = new Map([...ranges].map(([partition, { end }]) => [partition, end]));
    if (remaining.size === 0) return [];

    const groupId = `${this.settings.clientId}-read-all-${randomUUID()}`;
    const consumer = this.client.consumer({ groupId, maxWaitTimeInMs: this.tuning.maxWaitTimeMs, allowAutoTopicCreation: false });
    // Keyed by position: a rejoin of the throwaway group (nothing committed) fetches from the start again.
    const records = new Map<string, IncomingRecord>();
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`did not reach the end offsets of ${topic} within ${this.readAllTimeoutMs} ms`)),
          this.readAllTimeoutMs,
        );
        // A crash kafkajs does not restart from would otherwise leave the read waiting for the timeout.
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          if (!payload.restart) reject(payload.error);
        });
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = remaining.get(batch.partition);
              const from = ranges.get(batch.partition)?.from ?? 0n;
              if (end === undefined) return;
              for (const message of batch.messages) {
                const offset = BigInt(message.offset);
                if (offset >= from && offset < end) {
                  records.set(`${batch.partition}:${message.offset}`, toIncomingRecord(topic, batch.partition, message));
                }
              }
              if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
              if (remaining.size === 0) resolve();
            },
          })
          .catch(reject);
        // Taken at the first fetch after the assignment: a read from a time (or of some partitions)
        // skips what it does not want. A rejoin forgets them and reads from the start, filtered above.
        for (const [partition, { from }] of ranges) consumer.seek({ topic, partition, offset: from.toString() });
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => {});
      await admin.deleteGroups([groupId]).catch(() => {});
    }
    return [...records.values()].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    await Promise.all([...this.brokerChecks].map((check) => check.stop()));
    this.brokerChecks.clear();
    await Promise.all([...this.producers].map((producer) => producer.disconnect()));
    this.producers.clear();
    const admin = this.admin;
    this.admin = undefined;
    if (admin !== undefined) await (await admin.catch(() => undefined))?.disconnect();
  }
}
