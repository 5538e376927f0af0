// What `vigil demo` plays: normal traffic of the simulator's fictional API and two incidents on a
// fixed schedule, each with the alert a newcomer should expect to see for it.

import type { Attack } from '@vigil/detection';

/** Normal traffic: enough for every route to be measured each 10 s bucket, light enough for a laptop. */
export const DEMO_REQUESTS_PER_SECOND = 20;

export interface DemoIncident {
  attack: Attack;
  /** What happens, for the line printed when it starts. */
  story: string;
  /** The alert it should raise, for the same line. */
  expectedAlert: string;
}

const BRUTE_FORCE_MS = 60_000;
const OUTAGE_DELAY_MS = 40_000;
const OUTAGE_MS = 45_000;

/**
 * A brute force from one IP after `attackAfterMs` of calm, and a 5xx outage of the shop service
 * `OUTAGE_DELAY_MS` later; incidents that would start after the run ends are left out.
 */
export function demoIncidents(start: number, attackAfterMs: number, durationMs: number): DemoIncident[] {
  const bruteForceAt = start + attackAfterMs;
  const outageAt = bruteForceAt + OUTAGE_DELAY_MS;
  const incidents: DemoIncident[] = [
    {
      attack: { kind: 'brute-force', start: bruteForceAt, durationMs: BRUTE_FORCE_MS },
      story: 'brute force: 203.0.113.66 guesses passwords on POST /login, about 4 a second, nearly all 401',
      expectedAlert: 'auth-failure-surge on client 203.0.113.66 (and on service accounts)',
    },
    {
      attack: { kind: 'outage', start: outageAt, durationMs: OUTAGE_MS },
      story: "outage: the shop service's upstream fails, 60% of its requests end in 503",
      expectedAlert: 'error-surge on service shop (and on its busiest routes)',
    },
  ];
  return incidents.filter((incident) => incident.attack.start < start + durationMs);
}
