// Issue 6's bar: `vigil start` (what the README's run command runs) as a child process, a log
// stream with an injected brute force over HTTP, and the alert both printed on its console and
// delivered to a local Slack stand-in.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { spawnVigil, type VigilProcess } from '../support/vigil-process';
import { waitFor } from '../support/wait-for';

const TOKEN = 'e2e-first-alert-token';
const ATTACKER = '203.0.113.9';
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
function logWithBruteForce(now: number): string {
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

describe('vigil start, the README run command', () => {
  let slack: HttpSink;
  let vigil: VigilProcess;
  let port: string;

  beforeAll(async () => {
    slack = await startHttpSink();
    vigil = spawnVigil(['start'], {
      KAFKA_BROKERS: undefined,
      VIGIL_HTTP_PORT: '0',
      VIGIL_INGEST_TOKENS: TOKEN,
      VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/e2e`,
      VIGIL_ROUTE_CRITICAL: 'slack',
      VIGIL_ROUTE_WARNING: 'slack',
      VIGIL_ROUTE_INFO: 'slack',
      // One-second buckets: the brute force spans several, each scored two seconds after it ends.
      VIGIL_BUCKET_SECONDS: '1',
    });
    [, port = ''] = await vigil.waitForOutput(/HTTP on http:\/\/127\.0\.0\.1:(\d+)/);
  });

  afterAll(async () => {
    await vigil?.stop('SIGINT');
    await slack?.stop();
  });

  it('prints a brute force sent over HTTP as an alert on its console and delivers it to Slack', async () => {
    expect(vigil.stdout()).toMatch(/channels: .*slack/);
    const response = await fetch(`http://127.0.0.1:${port}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: logWithBruteForce(Date.now()),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rejected: 0 });

    const [headline] = await vigil.waitForOutput(/\[Vigil (INFO|WARNING|CRITICAL)\] auth-failure-surge on client 203\.0\.113\.9\n/, 40_000);
    expect(vigil.stdout()).toMatch(/POST \/login/);

    const delivered = await waitFor(
      () => slack.requests.find((r) => r.body.includes('auth-failure-surge') && r.body.includes(ATTACKER)),
      { timeoutMs: 20_000, message: `a Slack post about ${ATTACKER} (got ${slack.requests.length} posts)` },
    );
    expect(delivered.method).toBe('POST');
    expect(delivered.path).toBe('/services/T000/B000/e2e');
    expect(headline).toContain(ATTACKER);
    expect(JSON.stringify(delivered.json())).toContain('/login');
  });
});
