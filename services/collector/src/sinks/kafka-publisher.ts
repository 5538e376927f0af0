// The Kafka sink: turns buffered entries into events.v1 and rejected.v1 records and resolves only
// when Kafka acknowledged both (the transport's producer sends with acks=all). Each send is a
// span continuing the first entry's ingest trace (linking the others), carried in every record's
// traceparent header.

import { VigilError } from '@vigil/contract';
import { startSpan, traceHeaders, type Telemetry } from '@vigil/telemetry';
import type { OutgoingRecord, Producer, Transport } from '@vigil/transport';
import type { PublishEntry } from './publish-buffer';
import { packEventRecords, packRejectedRecords, splitIntoWaves, type PackingOptions } from './record-packing';

export interface KafkaPublisherOptions {
  transport: Transport;
  producer: Producer;
  encoding: PackingOptions['encoding'];
  eventsPerRecord: number;
  maxRecordBytes: number;
  tracer: Telemetry['tracer'];
  /** Called with counts once Kafka acknowledged them. */
  onPublished(events: number, rejections: number): void;
}

/** Adds the trace headers to every record; nothing to copy when no trace is carried. */
function addHeaders(records: OutgoingRecord[], trace: Record<string, string>): void {
  if (trace['traceparent'] === undefined) return;
  for (const record of records) record.headers = { ...record.headers, ...trace };
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

  const publish = async (entries: readonly PublishEntry[], trace: Record<string, string>) => {
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
    addHeaders(eventRecords, trace);
    addHeaders(rejectedRecords, trace);
    await Promise.all([sendInWaves(eventsTopic, eventRecords), sendInWaves(rejectedTopic, rejectedRecords)]);
    options.onPublished(events.length, rejections.length);
  };

  return async (entries) => {
    const traces = entries.flatMap((entry) => (entry.trace === undefined ? [] : [entry.trace]));
    const span = startSpan(options.tracer, 'collector.publish', { kind: 'producer', parent: traces[0], links: traces.slice(1), attributes: { 'vigil.entries': entries.length } });
    try {
      await publish(entries, traceHeaders(span.context));
      span.end();
    } catch (error) {
      span.end(error);
      throw error;
    }
  };
}
