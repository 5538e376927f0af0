// Events → Kafka records. kafkajs pays per record, not per byte (DESIGN.md), so events of one
// partition are packed many per record, in order, under a byte cap; "single" keeps one event per
// record for outside consumers. Rejected inputs go one per record, keyed by source.

import {
  ENCODING_EVENT_BATCH,
  ENCODING_HEADER,
  ENCODING_SINGLE,
  encodeEventBatch,
  type ApiAccessEvent,
  type RejectedInput,
} from '@vigil/contract';
import type { OutgoingRecord } from '@vigil/transport';

export interface PackingOptions {
  encoding: 'batch' | 'single';
  eventsPerRecord: number;
  maxRecordBytes: number;
  partitionCount: number;
  partitionFor(key: string, partitionCount: number): number;
}

function groupByPartition(events: readonly ApiAccessEvent[], options: PackingOptions): Map<number, ApiAccessEvent[]> {
  const groups = new Map<number, ApiAccessEvent[]>();
  for (const event of events) {
    const partition = options.partitionFor(event.client.key, options.partitionCount);
    let group = groups.get(partition);
    if (group === undefined) groups.set(partition, (group = []));
    group.push(event);
  }
  return groups;
}

/** Encodes a chunk, halving it until each record fits the byte cap (one event always goes alone). */
function batchRecords(chunk: ApiAccessEvent[], partition: number, maxRecordBytes: number, out: OutgoingRecord[]): void {
  const value = encodeEventBatch(chunk);
  if (chunk.length > 1 && Buffer.byteLength(value) > maxRecordBytes) {
    const half = Math.ceil(chunk.length / 2);
    batchRecords(chunk.slice(0, half), partition, maxRecordBytes, out);
    batchRecords(chunk.slice(half), partition, maxRecordBytes, out);
    return;
  }
  out.push({
    // Any client key of the batch maps to its partition; the explicit partition makes that certain.
    key: (chunk[0] as ApiAccessEvent).client.key,
    partition,
    value,
    headers: { [ENCODING_HEADER]: ENCODING_EVENT_BATCH },
  });
}

export function packEventRecords(events: readonly ApiAccessEvent[], options: PackingOptions): OutgoingRecord[] {
  if (options.encoding === 'single') {
    return events.map((event) => ({ key: event.client.key, value: JSON.stringify(event), headers: { [ENCODING_HEADER]: ENCODING_SINGLE } }));
  }
  const records: OutgoingRecord[] = [];
  for (const [partition, group] of groupByPartition(events, options)) {
    for (let start = 0; start < group.length; start += options.eventsPerRecord) {
      batchRecords(group.slice(start, start + options.eventsPerRecord), partition, options.maxRecordBytes, records);
    }
  }
  return records;
}

export function packRejectedRecords(rejections: readonly RejectedInput[]): OutgoingRecord[] {
  return rejections.map((rejection) => ({ key: rejection.source, value: JSON.stringify(rejection) }));
}
