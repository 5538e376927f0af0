// error-surge: the share of 5xx responses of a route or service jumps (an upstream is failing).

import { ratioSurgeDetector } from './ratio-surge';

export const errorSurgeDetector = ratioSurgeDetector({
  name: 'error-surge',
  kinds: ['route', 'service'],
  signal: 'error_ratio',
  failures: (bucket) => bucket.status5xx,
  baselineFailures: (baseline) => baseline.errorMean,
  run: (baseline) => baseline.errorRun,
  what: '5xx',
  samples: 'errors',
});
