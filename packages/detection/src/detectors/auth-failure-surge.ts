// auth-failure-surge: the share of 401/403 jumps for one IP or client (brute force), or for a route
// or a whole service (credential stuffing spread thin over hundreds of IPs, each below any per-IP
// gate; on the login route it stands out even where the rest of the service dilutes it).

import { ratioSurgeDetector } from './ratio-surge';

export const authFailureSurgeDetector = ratioSurgeDetector({
  name: 'auth-failure-surge',
  kinds: ['ip', 'client', 'route', 'service'],
  signal: 'auth_failure_ratio',
  failures: (bucket) => bucket.authFailures,
  baselineFailures: (baseline) => baseline.authFailureMean,
  run: (baseline) => baseline.authRun,
  what: '401/403',
  samples: 'auth',
});
