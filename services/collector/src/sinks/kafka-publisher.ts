// The Kafka sink: turns buffered entries into events.v1 and rejected.v1 records and resolves only
// when Kafka acknowledged both (the transport's producer sends with acks=all).

import { VigilError } from '@vigil/contract';
import type { OutgoingRecord, Producer, Transport } from '@vigil/transport';
import type { PublishEntry } from './publish-buffer';
import { packEventRecords, packRejectedRecords, splitIntoWaves, type PackingOptions } from './record-packing';

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
  let partitionCounts: { events: number; rejected: number } | undefined;
  const countsOf = async () => {
    const [events, rejected] = await Promise.all([transport.partitionCount(eventsTopic), transport.partitionCount(rejectedTopic)]);
    if (events === 0 || rejected === 0) {
      throw new VigilError('VIGIL_KAFKA_TOPIC', `topics ${eventsTopic} and ${rejectedTopic} must exist; "vigil start" creates them`, { retryable: true });
    }
    return { events, rejected };
  };
  const sendInWaves = async (topic: string, records: OutgoingRecord[]) => {
    for (const wave of splitIntoWaves(records, options.maxRecordBytes)) await producer.send(topic, wave);
  };

  return async (entries) => {
    partitionCounts ??= await countsOf();
    const counts = partitionCounts;
    const events = entries.flatMap((entry) => entry.events);
    const rejections = entries.flatMap((entry) => entry.rejections);
    const eventRecords = packEventRecords(events, {
      encoding: options.encoding,
      eventsPerRecord: options.eventsPerRecord,
      maxRecordBytes: options.maxRecordBytes,
      partitionCount: counts.events,
      partitionFor: (key, count) => transport.partitionFor(key, count),
    });
    const rejectedRecords = packRejectedRecords(rejections, (key) => transport.partitionFor(key, counts.rejected));
    await Promise.all([sendInWaves(eventsTopic, eventRecords), sendInWaves(rejectedTopic, rejectedRecords)]);
    options.onPublished(events.length, rejections.length);
  };
}
