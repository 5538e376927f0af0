// A run of failing buckets of a route or service: the 5xx (or 401/403) and requests of the
// consecutive buckets whose failure share stayed at or above the detector's min ratio and twice
// the share from before the run, so that a route too quiet to fill one bucket with _MIN_COUNT
// failures is judged once enough of its requests have failed in a row, and a long failure is
// judged against the share from before it rather than the one its own failures taught the
// baseline. Buckets without requests neither extend nor break a run.

/**
 * Baseline shares below this are raised to it: a route that never failed must not turn 3 errors
 * into a certainty. Also the prior of an entity still warming up.
 */
export const BASELINE_RATIO_FLOOR = 0.01;
/** A bucket continues a run only at this multiple of the share from before the run, or more. */
const RUN_MIN_LIFT = 2;

export interface FailureRun {
  failures: number;
  requests: number;
  /** Buckets spanned, empty ones included (at most the cap). */
  buckets: number;
  /** The entity's learned share before the run began, what the run is judged against; −1 while it was warming up. */
  baselineShare: number;
}

/** Whether a bucket with requests fails enough to start or continue a run judged against `baselineShare`. */
export function isFailingBucket(failures: number, requests: number, minRatio: number, baselineShare: number): boolean {
  return failures > 0 && failures >= minRatio * requests && failures >= RUN_MIN_LIFT * Math.max(baselineShare, BASELINE_RATIO_FLOOR) * requests;
}

/**
 * Folds one closed bucket into the run (undefined: none). Returns the run to keep, or undefined
 * when the bucket ends it (requests not failing by isFailingBucket). Past `capBuckets`
 * the run is trimmed in proportion, so it weighs about the last `capBuckets` buckets.
 */
export function extendFailureRun(
  run: FailureRun | undefined,
  failures: number,
  requests: number,
  minRatio: number,
  baselineShare: number,
  capBuckets: number,
): FailureRun | undefined {
  if (requests === 0) {
    if (run !== undefined) trim(run, run.buckets + 1, capBuckets);
    return run;
  }
  if (!isFailingBucket(failures, requests, minRatio, run?.baselineShare ?? baselineShare)) return undefined;
  const next = run ?? { failures: 0, requests: 0, buckets: 0, baselineShare };
  next.failures += failures;
  next.requests += requests;
  trim(next, next.buckets + 1, capBuckets);
  return next;
}

function trim(run: FailureRun, buckets: number, capBuckets: number): void {
  if (buckets <= capBuckets) {
    run.buckets = buckets;
    return;
  }
  const keep = capBuckets / buckets;
  run.failures *= keep;
  run.requests *= keep;
  run.buckets = capBuckets;
}
