// Kafka transport (kafkajs) and the in-process transport with the same interface.

export type {
  CommitPosition,
  Consumer,
  ConsumerOptions,
  Headers,
  IncomingRecord,
  OutgoingRecord,
  OutgoingTombstone,
  PartitionAssignment,
  Producer,
  ReadAllOptions,
  RecordBatch,
  Transport,
} from './transport';
export type { LogFields, TransportLogger } from './transport-logger';
export type { CounterFactory, TransportMetrics } from './transport-metrics';
export { createTransport } from './create-transport';
export type { CreateTransportOptions } from './create-transport';
export { KafkaTransport } from './kafka-transport';
export type { KafkaTransportOptions } from './kafka-transport';
export type { KafkaSettings } from './kafka-client';
export type { GroupConsumerTuning } from './kafka-group-consumer';
export { InProcessTransport } from './in-process-transport';
export type { InProcessTransportOptions } from './in-process-transport';
export { murmur2, partitionForKey } from './murmur2-partitioner';
export { planTopics } from './topic-plan';
export type { PlannedTopic } from './topic-plan';
export { waitForKafka } from './wait-for-kafka';
export type { WaitForKafkaOptions } from './wait-for-kafka';
