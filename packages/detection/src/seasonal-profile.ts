// Optional daily seasonality for route and service request counts: 24 hour-of-day (UTC) EW means,
// each learned only from its own hour, so Monday 03:00 is compared with earlier nights.

export interface SeasonalProfile {
  /** Mean requests per bucket for each hour of day. */
  means: number[];
  /** Buckets that fed each hour. */
  counts: number[];
}

export function emptySeasonalProfile(): SeasonalProfile {
  return { means: new Array<number>(24).fill(0), counts: new Array<number>(24).fill(0) };
}

function hourOfDay(timeMs: number): number {
  return Math.floor(timeMs / 3_600_000) % 24;
}

/** Adds one bucket's request count to the profile of its hour. */
export function updateSeasonal(profile: SeasonalProfile, timeMs: number, requests: number, alpha: number): void {
  const h = hourOfDay(timeMs);
  const n = profile.counts[h] as number;
  const a = Math.max(alpha, 1 / (n + 1));
  profile.means[h] = (profile.means[h] as number) + a * (requests - (profile.means[h] as number));
  profile.counts[h] = n + 1;
}

/** The hour's mean once a full hour of buckets has been seen for it, else undefined. */
export function seasonalExpected(profile: SeasonalProfile, timeMs: number, bucketsPerHour: number): number | undefined {
  const h = hourOfDay(timeMs);
  return (profile.counts[h] as number) >= bucketsPerHour ? profile.means[h] : undefined;
}
