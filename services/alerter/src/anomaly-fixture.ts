// Anomalies for the alerter's unit tests: one realistic record, varied per test.

import type { Anomaly } from '@vigil/contract';

export function anomalyFixture(overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    v: 1,
    id: 'an-1',
    detector: 'traffic-spike',
    entity: { kind: 'client', key: 'key-42', service: 'checkout' },
    signal: 'requests',
    window: { start: 1_000_000, end: 1_010_000 },
    observed: 900,
    expected: 60,
    score: 0.9,
    severity: 'warning',
    state: 'firing',
    startedAt: 1_000_000,
    summary: 'Client key-42 sent 900 requests in 10 s, 15 times its usual 60.',
    evidence: {
      topRoutes: [{ key: 'POST /login', count: 800 }],
      topClients: [{ key: 'key-42', count: 900 }],
      sampleRequestIds: ['r-1'],
      recent: [55, 60, 62, 900],
    },
    ...overrides,
  };
}
