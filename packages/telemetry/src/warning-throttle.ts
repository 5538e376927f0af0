// A condition that repeats (a channel being retried, datagrams dropped, connections refused) is
// worth a warning, but not one per occurrence: at most one per interval and key, the occurrences in
// between counted and told with the next one.

const DEFAULT_INTERVAL_MS = 60_000;

export class WarningThrottle {
  private readonly keys = new Map<string, { warnedAt: number; tally: number }>();

  constructor(
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts `count` occurrences under `key`. When a warning is due (the key's first, or the interval
   * has passed since its last) returns how many occurred since the last warning, these included,
   * and starts counting afresh; otherwise undefined.
   */
  due(key: string, count = 1): number | undefined {
    const at = this.now();
    const entry = this.keys.get(key);
    if (entry !== undefined && at - entry.warnedAt < this.intervalMs) {
      entry.tally += count;
      return undefined;
    }
    this.keys.set(key, { warnedAt: at, tally: 0 });
    return (entry?.tally ?? 0) + count;
  }
}
