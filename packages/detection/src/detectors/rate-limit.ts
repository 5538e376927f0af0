// rate-limit: a static per-client limit (VIGIL_RATE_LIMIT_PER_CLIENT requests per bucket), for
// contracts that promise a quota whatever the baseline says. Off when the limit is 0.

import { describeEntity, type Detector } from './detector';

export const rateLimitDetector: Detector = {
  name: 'rate-limit',
  kinds: ['client'],
  evaluate({ entity, bucket, config }) {
    const limit = config.rateLimitPerClient;
    const observed = bucket.requests;
    if (limit <= 0 || observed <= limit) return undefined;
    return {
      signal: 'requests',
      observed,
      expected: limit,
      // Not a probability: 0.8 at the limit, rising towards 1 as the excess grows.
      score: Math.min(1, 1 - (0.2 * limit) / observed),
      summary: `${describeEntity(entity)} made ${observed} requests in one bucket, over its limit of ${limit}`,
      samples: 'all',
    };
  },
};
