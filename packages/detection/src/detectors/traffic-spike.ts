// traffic-spike: a client, IP or route makes far more requests than its baseline, judged by a
// quasi-Poisson tail so that 1 → 4 is noise and 100 → 400 is not.

import { countSpikeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { describeEntity, formatNumber, formatRatio, type Detector } from './detector';

export const trafficSpikeDetector: Detector = {
  name: 'traffic-spike',
  kinds: ['client', 'ip', 'route'],
  evaluate({ entity, bucket, baseline, settings }) {
    const observed = bucket.requests;
    const expected = baseline.expectedRequests;
    if (!baseline.warm || observed < settings.minCount || observed < settings.minRatio * expected) return undefined;
    return {
      signal: 'requests',
      observed,
      expected,
      score: scoreFromPValue(countSpikeP(observed, expected, baseline.requestVariance)),
      summary: `${describeEntity(entity)} made ${observed} requests in one bucket, expected ${formatNumber(expected)} (${formatRatio(observed, expected)})`,
      samples: 'all',
    };
  },
};
