// Issue 6's bar: `vigil start` (what the README's run command runs) as a child process, a log
// stream with an injected brute force over HTTP, and the alert both printed on its console and
// delivered to a local Slack stand-in.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import type { VigilProcess } from '../support/vigil-process';
import { waitFor } from '../support/wait-for';
import { ATTACKER, logWithBruteForce, spawnEmbeddedVigilAlertingSlack } from '../support/brute-force-log';

const TOKEN = 'e2e-first-alert-token';

describe('vigil start, the README run command', () => {
  let slack: HttpSink;
  let vigil: VigilProcess;
  let port: string;

  beforeAll(async () => {
    slack = await startHttpSink();
    // One-second buckets: the brute force spans several, each scored two seconds after it ends.
    vigil = spawnEmbeddedVigilAlertingSlack(`${slack.url}/services/T000/B000/e2e`, TOKEN);
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
