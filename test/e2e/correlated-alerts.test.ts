// One attack, one page: a brute force raises auth-failure-surge on the client, the login route and
// its service; the embedded `vigil start` pages once and names the other alerts in the same
// incident's later messages. A real HTTP server stands in for Slack. The route's and service's
// alerts resolve about 25 s after the log is posted, so each case takes about half a minute alone
// and is given two minutes for a loaded CI machine.

import { describe, expect, it } from 'vitest';
import { ATTACKER, logWithBruteForce, slackAndVigilPerTest, spawnEmbeddedVigilAlertingSlack } from '../support/brute-force-log';
import { startHttpSink, type RecordedRequest } from '../support/http-sink';
import { waitFor } from '../support/wait-for';

const TOKEN = 'e2e-correlation-token';
const held = slackAndVigilPerTest();

/** `[Vigil CRITICAL] ...` or `[Vigil RESOLVED] ...`: the headline of a Slack post. */
function headline(request: RecordedRequest): string {
  return request.json<{ text: string }>().text;
}

async function slackPostsOfABruteForce(env: Record<string, string>): Promise<string[]> {
  const slack = (held.slack = await startHttpSink());
  const vigil = (held.vigil = spawnEmbeddedVigilAlertingSlack(`${slack.url}/services/T000/B000/correlation`, TOKEN, {
    // Quick batching and an early idle advance, so the incident resolves within seconds of the log.
    VIGIL_GROUP_WAIT_SECONDS: '1',
    VIGIL_GROUP_INTERVAL_SECONDS: '1',
    VIGIL_IDLE_ADVANCE_SECONDS: '1',
    VIGIL_TRAFFIC_DROP_ENABLED: 'off',
    ...env,
  }));
  const [, port] = await vigil.waitForOutput(/HTTP on http:\/\/127\.0\.0\.1:(\d+)/);
  const response = await fetch(`http://127.0.0.1:${port}/v1/logs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: logWithBruteForce(Date.now()) });
  expect(response.status).toBe(200);
  // Done once every incident announced has resolved (the route and service alerts are part of one
  // or incidents of their own). An incident is named by its headline after the severity, which an
  // update may raise (a service's warning can become critical while the machine is loaded), and
  // before the count of related alerts, which grows.
  const incidentOf = (text: string) => text.replace(/^.*?\] /, '').replace(/ and \d+ related alerts?$/, '');
  const settled = () => {
    const posts = slack.requests.map(headline);
    const resolved = new Set(posts.filter((text) => /RESOLVED/.test(text)).map(incidentOf));
    return posts.length > 0 && posts.every((text) => resolved.has(incidentOf(text)));
  };
  await waitFor(settled, { timeoutMs: 100_000, message: 'every incident of the brute force to resolve' }).catch((error: Error) => {
    throw new Error(`${error.message}; Slack got: ${slack.requests.map(headline).join(' | ')}\nstdout:\n${vigil.stdout()}\nstderr:\n${vigil.stderr()}`);
  });
  return slack.requests.map(headline);
}

describe('vigil start (embedded), one brute force', () => {
  it('pages once and names the client, route and service alerts of the same attack in that incident', async () => {
    const posts = await slackPostsOfABruteForce({});
    const pages = posts.filter((text) => !/RESOLVED/.test(text) && !/related alert/.test(text));
    expect(pages).toEqual([expect.stringContaining('auth-failure-surge')]);
    expect(posts.at(-1)).toMatch(/RESOLVED\] `auth-failure-surge` on .* and [2-9] related alerts$/);
    const resolution = held.slack!.requests.at(-1)!.body;
    for (const entity of [ATTACKER, 'POST /login', 'service']) expect(resolution).toContain(entity);
  }, 120_000);

  it('pages for each alert group with VIGIL_CORRELATE_BY=none', async () => {
    const posts = await slackPostsOfABruteForce({ VIGIL_CORRELATE_BY: 'none' });
    expect(posts.filter((text) => !/RESOLVED/.test(text)).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
