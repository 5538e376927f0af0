// Event time per owned events.v1 partition. A partition's watermark is the newest event time it
// brought, less a small allowance; a partition silent for the idle timeout follows the newest of
// this instance's partitions (a quiet partition must not hold every route back); when nothing at
// all arrived for the idle timeout, time moves on with the wall clock (a total outage is news).
// After such a total silence every partition is given the idle timeout again from the first record
// that ends it: the records of one body or poll reach the partitions one after another, and a
// partition whose turn comes later must not be counted silent and moved past its own events.
// Kept per partition, not per process, so N instances derive the same watermarks as one.

export interface WatermarkSettings {
  allowanceMs: number;
  idleMs: number;
}

interface SourceProgress {
  /** Newest event time seen in the partition (survives restarts through the checkpoint). */
  maxEventTime: number | undefined;
  /** Wall-clock time a record of the partition last arrived (or it was assigned). */
  lastRecordAt: number;
}

export class SourceWatermarks {
  private readonly sources = new Map<number, SourceProgress>();
  private lastAnyRecordAt: number;
  /** Wall-clock time records began to arrive again after nothing had for the idle timeout. */
  private resumedAt: number;

  constructor(
    private readonly settings: WatermarkSettings,
    now: number,
  ) {
    this.lastAnyRecordAt = now;
    this.resumedAt = now;
  }

  assign(partition: number, maxEventTime: number | undefined, now: number): void {
    this.sources.set(partition, { maxEventTime, lastRecordAt: now });
    this.lastAnyRecordAt = Math.max(this.lastAnyRecordAt, now);
  }

  release(partition: number): void {
    this.sources.delete(partition);
  }

  /** Records that a batch of the partition arrived, with the newest event time in it (if any). */
  arrived(partition: number, newestEventTime: number | undefined, now: number): void {
    const source = this.sources.get(partition);
    if (source === undefined) return;
    source.lastRecordAt = now;
    if (now - this.lastAnyRecordAt >= this.settings.idleMs) this.resumedAt = now;
    this.lastAnyRecordAt = now;
    if (newestEventTime !== undefined && (source.maxEventTime === undefined || newestEventTime > source.maxEventTime)) {
      source.maxEventTime = newestEventTime;
    }
  }

  maxEventTime(partition: number): number | undefined {
    return this.sources.get(partition)?.maxEventTime;
  }

  /** The partition's watermark now, or undefined before any event time is known. */
  watermarkOf(partition: number, now: number): number | undefined {
    const source = this.sources.get(partition);
    if (source === undefined) return undefined;
    const own = source.maxEventTime === undefined ? undefined : source.maxEventTime - this.settings.allowanceMs;
    const newest = this.newestEventTime();
    if (newest === undefined) return own;
    let watermark = own ?? -Infinity;
    if (now - Math.max(source.lastRecordAt, this.resumedAt) >= this.settings.idleMs) watermark = Math.max(watermark, newest - this.settings.allowanceMs);
    const silentFor = now - this.lastAnyRecordAt;
    if (silentFor >= this.settings.idleMs) watermark = Math.max(watermark, newest - this.settings.allowanceMs + silentFor);
    return Number.isFinite(watermark) ? watermark : undefined;
  }

  private newestEventTime(): number | undefined {
    let newest: number | undefined;
    for (const { maxEventTime } of this.sources.values()) {
      if (maxEventTime !== undefined && (newest === undefined || maxEventTime > newest)) newest = maxEventTime;
    }
    return newest;
  }
}
