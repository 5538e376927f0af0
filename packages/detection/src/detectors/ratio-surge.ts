// Shared shape of the ratio detectors (5xx share, auth-failure share): a binomial test of the
// failures in a bucket against the entity's baseline share.

import type { EntityKind } from '@vigil/contract';
import type { BucketAggregate } from '../bucket';
import type { DetectorName } from '../config';
import { ratioSurgeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { BASELINE_RATIO_FLOOR, isFailingBucket, type FailureRun } from '../failure-run';
import { describeEntity, formatNumber, type BaselineView, type Detector, type Finding } from './detector';

interface RatioSurgeSpec {
  name: DetectorName;
  kinds: readonly EntityKind[];
  signal: string;
  failures(bucket: BucketAggregate): number;
  baselineFailures(baseline: BaselineView): number;
  run(baseline: BaselineView): FailureRun | undefined;
  what: string;
  samples: Finding['samples'];
}

export function ratioSurgeDetector(spec: RatioSurgeSpec): Detector {
  return {
    name: spec.name,
    kinds: spec.kinds,
    evaluate({ entity, bucket, baseline, settings, config }) {
      let failures = spec.failures(bucket);
      let requests = bucket.requests;
      const run = spec.run(baseline);
      if (run === undefined ? failures === 0 || failures < settings.minRatio * requests : requests > 0 && !isFailingBucket(failures, requests, settings.minRatio, run.baselineShare)) {
        return undefined;
      }
      let learned = baseline.warm && baseline.requestMean > 0 ? spec.baselineFailures(baseline) / baseline.requestMean : 0;
      let span = '';
      // A route or service is judged on the run of failing buckets this one continues (a bucket
      // without requests too: nothing has recovered), against the share from before the run, which
      // the baseline has been learning the run's failures since.
      if (run !== undefined) {
        failures += run.failures;
        requests += run.requests;
        span = ` in the last ${durationText((run.buckets + 1) * config.bucketSeconds)}`;
        if (run.baselineShare >= 0) learned = run.baselineShare;
      }
      if (failures < settings.minCount) return undefined;
      const ratio = failures / requests;
      if (ratio < settings.minRatio) return undefined;
      // Before warm-up the entity has no share of its own yet: judge it against the floor.
      const expected = Math.max(learned, BASELINE_RATIO_FLOOR);
      // A run longer than its cap holds fractional counts (failure-run.ts).
      failures = Math.round(failures);
      requests = Math.round(requests);
      const score = scoreFromPValue(ratioSurgeP(failures, requests, expected));
      return {
        signal: spec.signal,
        observed: ratio,
        expected,
        score,
        summary: `${describeEntity(entity)}: ${failures} of ${requests} requests${span} were ${spec.what} (${formatNumber(ratio * 100)}%, normally ${formatNumber(expected * 100)}%)`,
        samples: spec.samples,
      };
    },
  };
}

/** "40 s", "3 min", "1 h 5 min". */
function durationText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
