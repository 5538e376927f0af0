// Memory of an entity's traffic spikes that recur at the same minute of every hour (a cron job, a
// partner's hourly sync): after enough consecutive hours, a recurrence no bigger than usual is
// expected, so traffic-spike reports it at info (which the default routes do not page). Kept
// only for entities that spiked, in bucket indices, as plain data for checkpoints.

export interface BurstRecurrence {
  /** First and last anomalous bucket of the latest occurrence. */
  start: number;
  last: number;
  /** Consecutive hourly occurrences at the same phase, the latest included. */
  streak: number;
  /** Largest bucket count of the streak's earlier occurrences (0 while there are none). */
  usual: number;
  /** Largest bucket count of the latest occurrence. */
  peak: number;
  /** Longest span, in buckets, of the streak's earlier occurrences (absent in records written before it: taken as 0). */
  usualSpan?: number;
}

/**
 * A recurrence is expected only up to this multiple of the usual size, and of the usual span (plus
 * the tolerance); a bigger or longer one pages and starts the streak afresh.
 */
const RECURRENCE_SIZE_RATIO = 2;

export interface RecurrenceShape {
  /** Buckets in an hour. */
  period: number;
  /** How far, in buckets, a recurrence may start from an hour after the last one (and the gap that still continues one). */
  tolerance: number;
  /** Earlier consecutive hourly occurrences after which one is expected. */
  hours: number;
}

interface RecurrenceVerdict {
  record: BurstRecurrence;
  /** Whether this anomalous bucket belongs to an expected recurrence of usual size. */
  expected: boolean;
}

/**
 * Folds one anomalous bucket (index, request count) into the entity's record. Returns the new
 * record and whether the bucket is an expected recurrence. A spike at another phase within the
 * hour leaves a live pattern alone (and is not expected); once the pattern has missed its hour,
 * the spike starts a new one.
 */
export function recordBurst(record: BurstRecurrence | undefined, index: number, observed: number, shape: RecurrenceShape): RecurrenceVerdict {
  const fresh = (): RecurrenceVerdict => ({ record: { start: index, last: index, streak: 1, usual: 0, peak: observed, usualSpan: 0 }, expected: false });
  if (record === undefined) return fresh();
  const asUsual = (usual: number, usualSpan: number, start: number) =>
    usual > 0 && observed <= RECURRENCE_SIZE_RATIO * usual && index - start + 1 <= RECURRENCE_SIZE_RATIO * usualSpan + shape.tolerance;
  const usualSpan = record.usualSpan ?? 0;
  if (index - record.last <= shape.tolerance) {
    // The same occurrence goes on; it is judged against the streak before it.
    const continued = { ...record, last: index, peak: Math.max(record.peak, observed) };
    if (record.streak > 1 && !asUsual(record.usual, usualSpan, record.start)) return { record: { ...continued, streak: 1, usual: 0, usualSpan: 0 }, expected: false };
    return { record: continued, expected: record.streak > shape.hours };
  }
  if (Math.abs(index - record.start - shape.period) <= shape.tolerance) {
    const usual = Math.max(record.usual, record.peak);
    const span = Math.max(usualSpan, record.last - record.start + 1);
    const next = { start: index, last: index, streak: record.streak + 1, usual, peak: observed, usualSpan: span };
    if (!asUsual(usual, span, index)) return { record: { ...next, streak: 1, usual: 0, usualSpan: 0 }, expected: false };
    return { record: next, expected: next.streak > shape.hours };
  }
  if (index - record.start < shape.period + shape.tolerance) return { record, expected: false };
  return fresh();
}

/** Whether a record's pattern has missed its hour, so it can no longer match. */
export function isLapsed(record: BurstRecurrence, index: number, shape: RecurrenceShape): boolean {
  return index - record.start > shape.period + shape.tolerance;
}
