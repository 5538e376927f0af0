// Slack through the real @slack/webhook client against a local HTTP server standing in for Slack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier, hostileNotification, sampleAnomaly, sampleNotification } from '@vigil/notifiers';
import type { SlackMessage } from '@vigil/notifiers';
import { startHttpSink } from '../../support/http-sink';
import type { HttpSink } from '../../support/http-sink';

const WEBHOOK_PATH = '/services/T0VIGIL/B0VIGIL/notARealToken';

describe('Slack notifier against a local webhook endpoint', () => {
  let slack: HttpSink;

  beforeEach(async () => {
    slack = await startHttpSink();
  });

  afterEach(async () => {
    await slack.stop();
  });

  const notifier = () => createSlackNotifier({ webhookUrl: `${slack.url}${WEBHOOK_PATH}`, timeoutMs: 2000 });

  it('posts a Block Kit message in a red attachment to the webhook path', async () => {
    expect(await notifier().send(sampleNotification())).toEqual({ ok: true });
    const [request] = await slack.waitForRequests(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(WEBHOOK_PATH);
    const message = request!.json<SlackMessage>();
    expect(message.text).toContain('[Vigil CRITICAL] `traffic-spike` on client `1.2.3.4`');
    const [attachment] = message.attachments;
    expect(attachment.color).toBe('#d40e0d');
    const blocks = JSON.stringify(attachment.blocks);
    for (const fact of ['*Observed*', '1,240', '*Expected*', '85.5', '*Score*', '0.97', '▁', '█', 'POST /login', '`an-7f3c2a91`', '2025-01-15T09:30:10.000Z']) {
      expect(blocks).toContain(fact);
    }
  });

  it('delivers the hostile path and <!channel> user agent as escaped, inert text', async () => {
    expect(await notifier().send(hostileNotification())).toEqual({ ok: true });
    const [request] = await slack.waitForRequests(1);
    expect(request?.body).not.toContain('<!channel>');
    expect(request?.body).not.toContain('<script>');
    expect(request?.body).not.toContain('<https://evil.example|click>');
    expect(request?.body).toContain('`GET /&lt;script&gt;alert(1)&lt;/script&gt;`');
    expect(request?.body).toContain('&lt;!channel&gt;');
  });

  it('delivers a path and user agent full of mrkdwn, links and mentions only inside code spans', async () => {
    const path = '/*admin*/_x_/~y~/@here';
    const userAgent = 'Mozilla/5.0 *FREE* https://evil.example/phish @channel';
    const anomaly = sampleAnomaly({
      entity: { kind: 'client', key: '@here' },
      summary: `Client @here with user agent ${userAgent} hit GET ${path} 1,240 times.`,
      evidence: { topRoutes: [{ key: `GET ${path}`, count: 9 }], topClients: [{ key: userAgent, count: 9 }], sampleRequestIds: [], recent: [] },
    });
    expect(await notifier().send(sampleNotification({ anomaly }))).toEqual({ ok: true });
    const [request] = await slack.waitForRequests(1);
    const message = request!.json<SlackMessage>();
    expect(message.text).toBe(':red_circle: [Vigil CRITICAL] `traffic-spike` on client `@here`');
    expect(message.attachments[0].fallback).toBe(message.text);
    const sentence = JSON.stringify(message.attachments[0].blocks[1]);
    expect(sentence).toContain('Client `@here` with user agent `Mozilla/5.0 *FREE* https://evil.example/phish @channel` hit `GET /*admin*/_x_/~y~/@here` 1,240 times.');
    expect(sentence).toContain('"verbatim":true');
  });

  it('sends resolved notifications in green and summaries listing the folded alerts', async () => {
    const suppressed = [sampleAnomaly({ id: 'a1', detector: 'auth-failure-surge' }), sampleAnomaly({ id: 'a2', detector: 'error-ratio' })];
    await notifier().send(sampleNotification({ kind: 'resolved', anomaly: sampleAnomaly({ state: 'resolved' }) }));
    await notifier().send(sampleNotification({ kind: 'summary', anomaly: suppressed[0]!, suppressed }));
    const [resolved, summary] = await slack.waitForRequests(2);
    expect(resolved!.json<SlackMessage>().attachments[0].color).toBe('#2eb67d');
    expect(resolved!.json<SlackMessage>().text).toContain('[Vigil RESOLVED]');
    expect(summary!.body).toContain('auth-failure-surge');
    expect(summary!.body).toContain('error-ratio');
  });

  it('reports 500, then 429 with its Retry-After, then delivers on 200', async () => {
    slack.respondWith(500, { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }, 200);
    const slackNotifier = notifier();
    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt += 1) outcomes.push(await slackNotifier.send(sampleNotification()));
    expect(outcomes).toEqual([
      { ok: false, retryable: true, reason: 'HTTP 500: status 500' },
      { ok: false, retryable: true, reason: 'HTTP 429: rate_limited', retryAfterMs: 1000 },
      { ok: true },
    ]);
    expect(slack.requests.map((request) => request.answeredWith)).toHaveLength(3);
  });

  it('does not retry a revoked webhook and never names its URL in the reason', async () => {
    slack.respondWith({ status: 404, body: 'no_service' });
    const outcome = await notifier().send(sampleNotification());
    expect(outcome).toEqual({ ok: false, retryable: false, reason: 'HTTP 404: no_service' });
    expect(JSON.stringify(outcome)).not.toContain('notARealToken');
  });
});
