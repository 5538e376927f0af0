// traffic-drop: a service or route that should be busy falls (nearly) silent — the gateway, the
// upstream or a deploy broke it. Evaluated for every bucket, including empty ones.

import { countDropP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { describeEntity, formatNumber, type Detector } from './detector';

export const trafficDropDetector: Detector = {
  name: 'traffic-drop',
  kinds: ['service', 'route'],
  evaluate({ entity, bucket, baseline, settings }) {
    const observed = bucket.requests;
    const expected = baseline.expectedRequests;
    if (!baseline.warm || expected < settings.minCount || observed * settings.minRatio > expected) return undefined;
    return {
      signal: 'requests',
      observed,
      expected,
      score: scoreFromPValue(countDropP(observed, expected, baseline.requestVariance)),
      summary: `${describeEntity(entity)} received ${observed} ${observed === 1 ? 'request' : 'requests'} in one bucket, expected ${formatNumber(expected)}`,
      samples: 'all',
    };
  },
};
