// One partition of an in-process topic. Like a Kafka partition it has retention: records that every
// consumer group has committed are forgotten once the partition holds more than its retained
// bytes, so an embedded Vigil that runs for months does not keep every event it ever received.
// A compacted topic (silences, detector state) instead keeps the latest record of every key, and
// forgets a key altogether once its latest record is a tombstone every group has consumed (Kafka
// keeps a tombstone a while longer, delete.retention.ms, for readers that are behind; in one
// process every reader is a group, so none can be behind what every group consumed).

import type { IncomingRecord } from './transport';

/** What a record costs beyond its key and value: the object, its offset string, headers. */
const RECORD_OVERHEAD_BYTES = 256;

function sizeOf(record: IncomingRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + record.value.length + (record.key?.length ?? 0);
  for (const name in record.headers) bytes += name.length + (record.headers[name]?.length ?? 0);
  return bytes;
}

export interface PartitionRetention {
  /** Bytes of consumed records kept; unconsumed records are always kept. */
  bytes: number;
  /** Compacted: a consumed record is forgotten only when a later one has the same key. */
  compacted: boolean;
}

export class PartitionLog {
  /** Ascending offsets; gaps where compaction removed records. */
  private records: IncomingRecord[] = [];
  /** Per record, the bytes appended to the log before it: what is left to read from it is a subtraction. */
  private appendedBefore: number[] = [];
  private appended = 0;
  private bytes = 0;
  private next = 0;
  /** Where the last compaction stopped: compacting again waits for enough newly consumed records. */
  private compactedUpTo = 0;

  constructor(private readonly retention: PartitionRetention) {}

  /** The offset the next record gets: the end of the log. */
  get nextOffset(): number {
    return this.next;
  }

  get retainedBytes(): number {
    return this.bytes;
  }

  append(record: Omit<IncomingRecord, 'offset'>): void {
    const stored: IncomingRecord = { ...record, offset: String(this.next++) };
    const size = sizeOf(stored);
    this.records.push(stored);
    this.appendedBefore.push(this.appended);
    this.appended += size;
    this.bytes += size;
  }

  /** Up to `max` records at or after `offset`; a forgotten offset reads from the oldest kept one. */
  readFrom(offset: number, max: number): IncomingRecord[] {
    const at = this.indexAtOrAfter(offset);
    return this.records.slice(at, at + max);
  }

  /** Bytes of the records kept at or after `offset`: a reader's lag. */
  bytesFrom(offset: number): number {
    const at = this.indexAtOrAfter(offset);
    return at >= this.records.length ? 0 : this.appended - this.appendedBefore[at]!;
  }

  private indexAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (Number(this.records[mid]!.offset) < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  all(): IncomingRecord[] {
    return [...this.records];
  }

  /** The records kept from the first one written at or after `time` (epoch ms), as Kafka's offsets-by-timestamp does. */
  since(time: number): IncomingRecord[] {
    const from = this.records.findIndex((record) => record.timestamp >= time);
    return from < 0 ? [] : this.records.slice(from);
  }

  /** Forgets what retention allows of the records before `consumedUpTo` (every group is past them). */
  trim(consumedUpTo: number): void {
    if (this.bytes <= this.retention.bytes) return;
    if (this.retention.compacted) {
      // Half the log newly consumed before each pass over it keeps compaction O(1) per record.
      if (consumedUpTo - this.compactedUpTo >= Math.max(1, this.records.length / 2)) this.compact(consumedUpTo);
      return;
    }
    let drop = 0;
    while (this.bytes > this.retention.bytes && drop < this.records.length && Number(this.records[drop]!.offset) < consumedUpTo) {
      this.bytes -= sizeOf(this.records[drop]!);
      drop++;
    }
    if (drop > 0) {
      this.records.splice(0, drop);
      this.appendedBefore.splice(0, drop);
    }
  }

  private compact(consumedUpTo: number): void {
    const latest = new Map<string, number>();
    for (const record of this.records) if (record.key !== null) latest.set(record.key, Number(record.offset));
    const kept = this.records.map((record) => {
      const offset = Number(record.offset);
      return offset >= consumedUpTo || (record.key !== null && record.tombstone !== true && latest.get(record.key) === offset);
    });
    this.records = this.records.filter((_, index) => kept[index]);
    this.appendedBefore = this.appendedBefore.filter((_, index) => kept[index]);
    this.bytes = this.records.reduce((sum, record) => sum + sizeOf(record), 0);
    this.compactedUpTo = consumedUpTo;
  }
}
