// The Kafka sink: turns buffered entries into events.v1 and rejected.v1 records and resolves only
// when Kafka acknowledged both (the transport's producer sends with acks=all).

import { VigilError } from '@vigil/contract';
import type { Producer, Transport } from '@vigil/transport';
import type { PublishEntry } from './publish-buffer';
import { packEventRecords, packRejectedRecords, type PackingOptions } from './record-packing';

export interface KafkaPublisherOptions {
  transport: Transport;
  producer: Producer;
  encoding: PackingOptions['encoding'];
  eventsPerRecord: number;
  maxRecordBytes: number;
  /** Called with counts once Kafka acknowledged them. */
  onPublished(events: number, rejections: number): void;
}

export function createKafkaPublish(options: KafkaPublisherOptions): (entries: readonly PublishEntry[]) => Promise<void> {
  const { transport, producer } = options;
  const eventsTopic = transport.topic('events');
  const rejectedTopic = transport.topic('rejected');
  // Fetched on the first send, inside the retry loop, so a cluster that is down at start-up is not fatal.
  let partitionCount: number | undefined;

  return async (entries) => {
    partitionCount ??= await transport.partitionCount(eventsTopic);
    if (partitionCount === 0) {
      partitionCount = undefined;
      throw new VigilError('VIGIL_KAFKA_TOPIC', `topic ${eventsTopic} does not exist yet; "vigil start" creates it`, { retryable: true });
    }
    const events = entries.flatMap((entry) => entry.events);
    const rejections = entries.flatMap((entry) => entry.rejections);
    const eventRecords = packEventRecords(events, {
      encoding: options.encoding,
      eventsPerRecord: options.eventsPerRecord,
      maxRecordBytes: options.maxRecordBytes,
      partitionCount,
      partitionFor: (key, count) => transport.partitionFor(key, count),
    });
    await Promise.all([producer.send(eventsTopic, eventRecords), producer.send(rejectedTopic, packRejectedRecords(rejections))]);
    options.onPublished(events.length, rejections.length);
  };
}
