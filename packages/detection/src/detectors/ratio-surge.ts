// Shared shape of the ratio detectors (5xx share, auth-failure share): a binomial test of the
// failures in a bucket against the entity's baseline share.

import type { EntityKind } from '@vigil/contract';
import type { BucketAggregate } from '../bucket';
import type { DetectorName } from '../config';
import { ratioSurgeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { describeEntity, formatNumber, type BaselineView, type Detector, type Finding } from './detector';

/**
 * Baseline shares below this are raised to it: a route that never failed must not turn 3 errors
 * into a certainty. Also the prior of an entity still warming up.
 */
const BASELINE_RATIO_FLOOR = 0.01;

interface RatioSurgeSpec {
  name: DetectorName;
  kinds: readonly EntityKind[];
  signal: string;
  failures(bucket: BucketAggregate): number;
  baselineFailures(baseline: BaselineView): number;
  what: string;
  samples: Finding['samples'];
}

export function ratioSurgeDetector(spec: RatioSurgeSpec): Detector {
  return {
    name: spec.name,
    kinds: spec.kinds,
    evaluate({ entity, bucket, baseline, settings }) {
      const failures = spec.failures(bucket);
      const requests = bucket.requests;
      if (failures < settings.minCount || requests === 0) return undefined;
      const ratio = failures / requests;
      if (ratio < settings.minRatio) return undefined;
      // Before warm-up the entity has no share of its own yet: judge it against the floor.
      const learned = baseline.warm && baseline.requestMean > 0 ? spec.baselineFailures(baseline) / baseline.requestMean : 0;
      const expected = Math.max(learned, BASELINE_RATIO_FLOOR);
      const score = scoreFromPValue(ratioSurgeP(failures, requests, expected));
      return {
        signal: spec.signal,
        observed: ratio,
        expected,
        score,
        summary: `${describeEntity(entity)}: ${failures} of ${requests} requests were ${spec.what} (${formatNumber(ratio * 100)}%, normally ${formatNumber(expected * 100)}%)`,
        samples: spec.samples,
      };
    },
  };
}
