// Events → Kafka records. kafkajs pays per record, not per byte (DESIGN.md), so events of one
// partition are packed many per record, in order, under a byte cap, as a table (json-table-v1,
// the default) or a JSON array (json-batch-v1); "single" keeps one event per record for outside
// consumers. Rejected inputs go one per record, keyed by source.

import {
  ENCODING_EVENT_BATCH,
  ENCODING_EVENT_TABLE,
  ENCODING_HEADER,
  ENCODING_SINGLE,
  encodeEventBatch,
  encodeEventTable,
  type ApiAccessEvent,
  type RejectedInput,
} from '@vigil/contract';
import type { OutgoingRecord } from '@vigil/transport';

export interface PackingOptions {
  encoding: 'table' | 'batch' | 'single';
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

/** The encodings that pack many events per record: how to encode a chunk, and the header naming it. */
const MANY_PER_RECORD = {
  table: { encode: encodeEventTable, header: ENCODING_EVENT_TABLE },
  batch: { encode: encodeEventBatch, header: ENCODING_EVENT_BATCH },
} as const;
type ManyPerRecord = (typeof MANY_PER_RECORD)[keyof typeof MANY_PER_RECORD];

/** Encodes a chunk, halving it until each record fits the byte cap (one event always goes alone). */
function batchRecords(chunk: ApiAccessEvent[], partition: number, format: ManyPerRecord, maxRecordBytes: number, out: OutgoingRecord[]): void {
  const value = format.encode(chunk);
  if (chunk.length > 1 && Buffer.byteLength(value) > maxRecordBytes) {
    const half = Math.ceil(chunk.length / 2);
    batchRecords(chunk.slice(0, half), partition, format, maxRecordBytes, out);
    batchRecords(chunk.slice(half), partition, format, maxRecordBytes, out);
    return;
  }
  out.push({
    // Any client key of the batch maps to its partition; the explicit partition makes that certain.
    key: (chunk[0] as ApiAccessEvent).client.key,
    partition,
    value,
    headers: { [ENCODING_HEADER]: format.header },
  });
}

export function packEventRecords(events: readonly ApiAccessEvent[], options: PackingOptions): OutgoingRecord[] {
  if (options.encoding === 'single') {
    return events.map((event) => ({
      key: event.client.key,
      partition: options.partitionFor(event.client.key, options.partitionCount),
      value: JSON.stringify(event),
      headers: { [ENCODING_HEADER]: ENCODING_SINGLE },
    }));
  }
  const format = MANY_PER_RECORD[options.encoding];
  const records: OutgoingRecord[] = [];
  for (const [partition, group] of groupByPartition(events, options)) {
    for (let start = 0; start < group.length; start += options.eventsPerRecord) {
      batchRecords(group.slice(start, start + options.eventsPerRecord), partition, format, options.maxRecordBytes, records);
    }
  }
  return records;
}

export function packRejectedRecords(rejections: readonly RejectedInput[], partitionOf: (key: string) => number): OutgoingRecord[] {
  return rejections.map((rejection) => ({ key: rejection.source, partition: partitionOf(rejection.source), value: JSON.stringify(rejection) }));
}

/**
 * Splits records into successive sends. kafkajs writes all records of one partition in a send as
 * one record batch, and the broker's message.max.bytes limits the batch, not the record: so each
 * wave holds at most `maxBatchBytes` per partition (a single bigger record goes alone). Order
 * within a partition is kept across waves.
 */
export function splitIntoWaves(records: readonly OutgoingRecord[], maxBatchBytes: number): OutgoingRecord[][] {
  const waves: OutgoingRecord[][] = [];
  /** Per partition: the wave it is filling and the bytes in it. */
  const filling = new Map<number, { wave: number; bytes: number }>();
  for (const record of records) {
    const partition = record.partition ?? -1;
    const bytes = Buffer.byteLength(record.value) + (record.key === null ? 0 : Buffer.byteLength(record.key));
    let state = filling.get(partition);
    if (state === undefined) {
      state = { wave: 0, bytes: 0 };
      filling.set(partition, state);
    } else if (state.bytes + bytes > maxBatchBytes) {
      state.wave++;
      state.bytes = 0;
    }
    state.bytes += bytes;
    (waves[state.wave] ??= []).push(record);
  }
  return waves;
}
