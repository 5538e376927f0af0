// /readyz as a test reads it, and the outage every Kafka consumer's readiness must survive: the
// broker killed and brought back on the same address, with no restart of the service.

import type { LocalBroker } from '../../tools/kafka/broker';
import { waitFor } from './wait-for';

export interface Readiness {
  status: number;
  /** Why each failing check fails, by check name. */
  reasons: Record<string, string>;
}

export async function readiness(url: string): Promise<Readiness> {
  const response = await fetch(`${url}/readyz`);
  const body = (await response.json()) as { reasons?: Record<string, string> };
  return { status: response.status, reasons: body.reasons ?? {} };
}

/**
 * Waits for the service at `url` to be ready, kills `broker`, returns once /readyz answers 503,
 * restarts the broker and waits for ready again. Returns what /readyz said while the broker was
 * down, so the test checks the reason its service gives.
 */
export async function readinessThroughBrokerOutage(url: string, broker: LocalBroker, service: string): Promise<Readiness> {
  await waitFor(async () => (await readiness(url)).status === 200, { timeoutMs: 60_000, message: `the ${service} to be ready` });
  await broker.kill();
  const down = await waitFor(
    async () => {
      const state = await readiness(url);
      return state.status === 503 ? state : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200, message: '/readyz to report the lost broker' },
  );
  await broker.restart();
  await waitFor(async () => (await readiness(url)).status === 200, { timeoutMs: 120_000, intervalMs: 200, message: `the ${service} to be ready again` });
  return down;
}
