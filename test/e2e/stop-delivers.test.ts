// The embedded `vigil start` keeps nothing across a restart, so on Ctrl-C it gives the alerts it
// has not delivered yet a bounded time to go out (VIGIL_NOTIFY_TIMEOUT_SECONDS), retrying at once
// what was waiting for a retry, and logs what it could not deliver. A real HTTP server stands in
// for Slack and fails the first delivery, so the alert is waiting for a retry when Vigil stops.

import { describe, expect, it } from 'vitest';
import { ATTACKER, logWithBruteForce, slackAndVigilPerTest, spawnEmbeddedVigilAlertingSlack } from '../support/brute-force-log';
import { startHttpSink, type HttpSink, type ScriptedResponse } from '../support/http-sink';
import type { VigilProcess } from '../support/vigil-process';

const TOKEN = 'e2e-stop-token';
const held = slackAndVigilPerTest();

/** Starts the embedded Vigil with Slack on a sink answering `responses`, and sends it a brute force. */
async function vigilWithAnAlertWaitingForRetry(responses: ScriptedResponse[], defaultResponse: ScriptedResponse, env: Record<string, string> = {}): Promise<{ vigil: VigilProcess; slack: HttpSink }> {
  const slack = (held.slack = await startHttpSink({ responses, defaultResponse }));
  const vigil = (held.vigil = spawnEmbeddedVigilAlertingSlack(`${slack.url}/services/T000/B000/stop`, TOKEN, {
    // The retry after the failed first delivery would come 30 to 60 s later: long after the stop.
    VIGIL_NOTIFY_BACKOFF_BASE_MS: '60000',
    VIGIL_NOTIFY_BACKOFF_MAX_MS: '60000',
    ...env,
  }));
  const [, port] = await vigil.waitForOutput(/HTTP on http:\/\/127\.0\.0\.1:(\d+)/);
  const response = await fetch(`http://127.0.0.1:${port}/v1/logs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: logWithBruteForce(Date.now()) });
  expect(response.status).toBe(200);
  const [failed] = await slack.waitForRequests(1, 40_000).catch((error: Error) => {
    throw new Error(`${error.message}\nstdout:\n${vigil.stdout()}\nstderr:\n${vigil.stderr()}`);
  });
  expect(failed?.body).toContain(ATTACKER);
  return { vigil, slack };
}

describe('vigil start (embedded), stopping with alerts not yet delivered', () => {
  it('retries at once on Ctrl-C an alert waiting for a retry, and delivers it before it exits', async () => {
    const running = await vigilWithAnAlertWaitingForRetry([503], 200);
    expect(await running.vigil.stop('SIGINT')).toBe(0);
    const [failed, retried] = running.slack.requests;
    expect(failed?.answeredWith).toBe(503);
    expect(retried?.answeredWith).toBe(200);
    expect(retried?.body).toBe(failed?.body);
    expect(running.vigil.stdout()).toContain('Vigil stopped.');
    expect(running.vigil.stderr()).not.toMatch(/not delivered/);
  });

  it('logs the alerts it could not deliver within VIGIL_NOTIFY_TIMEOUT_SECONDS, then exits', async () => {
    // Not 1 s: a busy process can spend that long between starting an attempt and writing it, and
    // the attempt then ends before Slack has heard of it.
    const running = await vigilWithAnAlertWaitingForRetry([], 503, { VIGIL_NOTIFY_TIMEOUT_SECONDS: '5' });
    expect(await running.vigil.stop('SIGINT')).toBe(0);
    // The failed delivery and the one retry the stop made at once; its next retry falls after the deadline.
    expect(running.slack.requests.map((request) => request.answeredWith)).toEqual([503, 503]);
    const line = running.vigil
      .stderr()
      .split('\n')
      .find((text) => text.includes('not delivered'));
    expect(line).toBeDefined();
    const logged = JSON.parse(line ?? '{}') as { msg: string; total: number; undelivered: Array<{ channel: string; groupKey: string }> };
    expect(logged.msg).toMatch(/^stopped with \d+ notifications? not delivered; they are lost \(the embedded mode keeps nothing across a restart\)$/);
    expect(logged.total).toBeGreaterThanOrEqual(1);
    expect(logged.undelivered.some((entry) => entry.channel === 'slack' && entry.groupKey.includes(ATTACKER))).toBe(true);
  });
});
