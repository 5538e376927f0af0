// enumeration: one client touches far more distinct object ids than it normally does (walking
// /users/1, /users/2, … to scrape or probe for broken object-level authorization).

import { countSpikeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { distinctCount } from '../sketch/distinct-counter';
import { describeEntity, formatNumber, type Detector } from './detector';

export const enumerationDetector: Detector = {
  name: 'enumeration',
  kinds: ['client'],
  evaluate({ entity, bucket, baseline, settings }) {
    if (!baseline.warm || bucket.objectIds === undefined) return undefined;
    const observed = distinctCount(bucket.objectIds);
    const expected = baseline.objectIdsMean;
    if (observed < settings.minCount || observed < settings.minRatio * expected) return undefined;
    return {
      signal: 'distinct_object_ids',
      observed,
      expected,
      score: scoreFromPValue(countSpikeP(observed, expected, baseline.objectIdsVariance)),
      summary: `${describeEntity(entity)} requested ${observed} distinct object ids in one bucket, expected ${formatNumber(expected)}`,
      samples: 'all',
    };
  },
};
