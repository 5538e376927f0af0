// The composition point: Kafka when KAFKA_BROKERS is set, otherwise the embedded in-process transport.

import type { KafkaSettings } from './kafka-client';
import { KafkaTransport } from './kafka-transport';
import { InProcessTransport } from './in-process-transport';
import type { Transport } from './transport';
import type { TransportLogger } from './transport-logger';
import { transportMetrics } from './transport-metrics';
import type { CounterFactory } from './transport-metrics';

export interface CreateTransportOptions {
  kafka: KafkaSettings;
  logger: TransportLogger;
  telemetry?: CounterFactory;
}

export function createTransport({ kafka, logger, telemetry }: CreateTransportOptions): Transport {
  const metrics = telemetry === undefined ? undefined : transportMetrics(telemetry);
  if (kafka.brokers !== undefined && kafka.brokers.length > 0) {
    return new KafkaTransport({ kafka, logger, metrics });
  }
  // Only the collector sends to events.v1, so waiting there for the detector cannot wait on itself.
  return new InProcessTransport({ partitions: kafka.topicPartitions, prefix: kafka.topicPrefix, boundedTopics: ['events'], logger, metrics });
}
