// Alertmanager: the request shape against a local stand-in, then the real Alertmanager's v2 API.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS, createAlertmanagerNotifier, hostileNotification, sampleAnomaly, sampleNotification } from '@vigil/notifiers';
import type { PostableAlert } from '@vigil/notifiers';
import { startHttpSink } from '../../support/http-sink';
import type { HttpSink } from '../../support/http-sink';
import { startAlertmanager } from './real-alertmanager';
import type { RunningAlertmanager } from './real-alertmanager';

describe('Alertmanager notifier against a local stand-in', () => {
  let alertmanager: HttpSink;

  beforeEach(async () => {
    alertmanager = await startHttpSink();
  });

  afterEach(async () => {
    await alertmanager.stop();
  });

  it('posts labelled alerts to /api/v2/alerts under the configured base path, with basic auth from the URL', async () => {
    const url = `${alertmanager.url.replace('http://', 'http://vigil:s3cret@')}/am`;
    expect(await createAlertmanagerNotifier({ url }).send(sampleNotification())).toEqual({ ok: true });
    const [request] = await alertmanager.waitForRequests(1);
    expect(request?.path).toBe('/am/api/v2/alerts');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('vigil:s3cret').toString('base64')}`);
    const [alert] = request!.json<PostableAlert[]>();
    expect(alert?.labels).toMatchObject({ alertname: 'VigilAnomaly', detector: 'traffic-spike', entity_kind: 'client', entity: '1.2.3.4', severity: 'critical', service: 'checkout-api' });
    expect(alert?.annotations).toMatchObject({ observed: '1,240', expected: '85.5', score: '0.97' });
    expect(alert?.endsAt).toBeUndefined();
  });

  it('marks a resolved notification with endsAt', async () => {
    await createAlertmanagerNotifier({ url: alertmanager.url }).send(sampleNotification({ kind: 'resolved' }));
    const [request] = await alertmanager.waitForRequests(1);
    expect(request!.json<PostableAlert[]>()[0]?.endsAt).toBe('2025-01-15T09:30:10.000Z');
  });
});

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
}

describe('Alertmanager notifier against a real Alertmanager', () => {
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    alertmanager = await startAlertmanager();
  });

  afterAll(async () => {
    await alertmanager?.stop();
  });

  async function activeAlerts(): Promise<GettableAlert[]> {
    const response = await fetch(`${alertmanager.url}/api/v2/alerts`);
    expect(response.status).toBe(200);
    return (await response.json()) as GettableAlert[];
  }

  it('is accepted by the v2 API and listed with its labels and annotations, then resolved', async () => {
    const notifier = createAlertmanagerNotifier({ url: alertmanager.url });
    const anomaly = sampleAnomaly({ id: 'an-real-1', entity: { kind: 'ip', key: '203.0.113.9' } });
    expect(await notifier.send(sampleNotification({ anomaly }))).toEqual({ ok: true });
    const listed = (await activeAlerts()).find((alert) => alert.labels.entity === '203.0.113.9');
    expect(listed?.labels).toMatchObject({ alertname: 'VigilAnomaly', detector: 'traffic-spike', entity_kind: 'ip', severity: 'critical' });
    expect(listed?.annotations.anomaly_id).toBe('an-real-1');
    expect(listed?.status.state).toBe('active');

    expect(await notifier.send(sampleNotification({ kind: 'resolved', anomaly: { ...anomaly, state: 'resolved' } }))).toEqual({ ok: true });
    expect((await activeAlerts()).some((alert) => alert.labels.entity === '203.0.113.9')).toBe(false);
  });

  it('accepts hostile strings as label and annotation values', async () => {
    const notifier = createAlertmanagerNotifier({ url: alertmanager.url });
    expect(await notifier.send(hostileNotification())).toEqual({ ok: true });
    const listed = (await activeAlerts()).find((alert) => alert.labels.entity?.startsWith('key-<@U024BE7LH>'));
    expect(listed?.annotations.description).toContain(HOSTILE_STRINGS.path);
  });

  it('answers a malformed alert with a permanent failure', async () => {
    const notifier = createAlertmanagerNotifier({ url: alertmanager.url });
    const outcome = await notifier.send(sampleNotification({ anomaly: sampleAnomaly({ startedAt: Date.UTC(2025, 0, 2), window: { start: 0, end: Date.UTC(2025, 0, 1) } }), kind: 'resolved' }));
    expect(outcome).toMatchObject({ ok: false, retryable: false, reason: 'HTTP 400' });
  });
});
