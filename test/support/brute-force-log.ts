// An nginx access log with a brute force in it, and the embedded `vigil start` that alerts on it,
// for tests that need a real alert (auth-failure-surge on client ATTACKER) within seconds.

import { afterEach } from 'vitest';
import type { HttpSink } from './http-sink';
import { spawnVigil, type VigilProcess } from './vigil-process';

/** The address that tries the passwords. */
export const ATTACKER = '203.0.113.9';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$time_local` of nginx, in UTC. */
function timeLocal(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

function combinedLine(ip: string, time: number, request: string, status: number): string {
  return `${ip} - - [${timeLocal(time)}] "${request} HTTP/1.1" ${status} 512 "-" "e2e-client/1.0"`;
}

/**
 * nginx "combined" lines for the last 20 s of event time: 40 clients browsing (enough for every
 * partition of the in-process transport to see traffic), and from 12 s to 4 s ago one IP trying
 * 20 passwords a second, all refused.
 */
export function logWithBruteForce(now: number): string {
  const lines: Array<{ time: number; line: string }> = [];
  for (let t = now - 20_000; t <= now; t += 250) {
    for (let c = 0; c < 40; c += 4) {
      const client = c + ((t / 250) % 4);
      lines.push({ time: t, line: combinedLine(`10.20.0.${client + 1}`, t, `GET /api/items/${client * 7}`, 200) });
    }
  }
  for (let t = now - 12_000; t < now - 4_000; t += 50) {
    lines.push({ time: t, line: combinedLine(ATTACKER, t, 'POST /login', 401) });
  }
  return `${lines
    .sort((a, b) => a.time - b.time)
    .map((l) => l.line)
    .join('\n')}\n`;
}

/**
 * The embedded `vigil start` (no Kafka), listening on a free port, with one-second buckets so the
 * brute force is scored within seconds, and every severity routed to the Slack webhook `slackUrl`.
 */
export function spawnEmbeddedVigilAlertingSlack(slackUrl: string, ingestToken: string, env: Record<string, string> = {}): VigilProcess {
  return spawnVigil(['start'], {
    KAFKA_BROKERS: undefined,
    VIGIL_HTTP_PORT: '0',
    VIGIL_INGEST_TOKENS: ingestToken,
    VIGIL_SLACK_WEBHOOK_URL: slackUrl,
    VIGIL_ROUTE_CRITICAL: 'slack',
    VIGIL_ROUTE_WARNING: 'slack',
    VIGIL_ROUTE_INFO: 'slack',
    VIGIL_BUCKET_SECONDS: '1',
    ...env,
  });
}

/**
 * The Slack stand-in and the embedded Vigil of the test running now, for a file of such tests:
 * call at the file's top level; whatever a test put here is killed and stopped after it.
 */
export function slackAndVigilPerTest(): { slack?: HttpSink; vigil?: VigilProcess } {
  const held: { slack?: HttpSink; vigil?: VigilProcess } = {};
  afterEach(async () => {
    await held.vigil?.stop('SIGKILL');
    await held.slack?.stop();
    delete held.vigil;
    delete held.slack;
  });
  return held;
}
