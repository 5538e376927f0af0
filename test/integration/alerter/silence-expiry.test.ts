// A silence that ends while an incident goes on: the incident is announced then, and an incident
// that resolved under the silence, never announced, gets no resolution either. The real alerter on
// the in-process transport with a clock the test moves, and a real HTTP server as the webhook.

import { afterEach, describe, expect, it } from 'vitest';
import { startAlerter } from '@vigil/alerter';
import { VigilHttpServer } from '@vigil/http';
import { sampleAnomaly } from '@vigil/notifiers';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { InProcessTransport } from '@vigil/transport';
import { startHttpSink } from '../../support/http-sink';
import { waitFor } from '../../support/wait-for';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const T0 = Date.parse('2031-03-01T10:00:00Z');
const SILENCE_ENDS = T0 + 10 * 60_000;

describe('alerter when a silence ends mid-incident', () => {
  it('announces the incident still firing and sends no resolution for one that resolved unannounced', async () => {
    const webhook = await startHttpSink();
    cleanup.push(() => webhook.stop());
    let now = T0;
    const logger = createLogger({ name: 'silence-expiry-test', level: 'silent' });
    const telemetry = createTelemetry('silence-expiry-test');
    const transport = new InProcessTransport({ partitions: 1 });
    await transport.ensureTopics();
    const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
    const env = {
      VIGIL_WEBHOOK_URL: `${webhook.url}/hook`,
      VIGIL_ROUTE_CRITICAL: 'webhook',
      VIGIL_CONSOLE_ALERTS: 'off',
      VIGIL_GROUP_WAIT_SECONDS: '30',
      VIGIL_GROUP_INTERVAL_SECONDS: '60',
      VIGIL_SILENCES: `entityKey=client-*,until=${new Date(SILENCE_ENDS).toISOString()}`,
    };
    const alerter = await startAlerter({ transport, logger, telemetry, http, env }, { clock: () => now, tickMs: 50 });
    cleanup.push(() => alerter.stop());
    const producer = await transport.producer();
    cleanup.push(() => producer.close());
    const ongoing = sampleAnomaly({ id: 'an-ongoing', entity: { kind: 'client', key: 'client-1', service: 'checkout-api' } });
    const brief = sampleAnomaly({ id: 'an-brief', entity: { kind: 'client', key: 'client-2', service: 'checkout-api' } });
    const publish = (...anomalies: ReturnType<typeof sampleAnomaly>[]) =>
      producer.send(transport.topic('anomalies'), anomalies.map((a) => ({ key: a.entity.key, value: JSON.stringify(a) })));
    const records = async () =>
      (await transport.readAll(transport.topic('notifications'))).map((r) => JSON.parse(r.value.toString('utf8')) as { type: string; alertId?: string; kind?: string; outcome?: string });

    await publish(ongoing, brief, { ...brief, state: 'resolved' });
    await waitFor(async () => (await records()).filter((r) => r.outcome === 'silenced').length === 2, { message: 'both firings silenced' });

    // The silence ends; the brief incident's resolution falls due at the same time.
    now = SILENCE_ENDS + 1_000;
    await webhook.waitForRequests(1, 20_000);
    await publish({ ...ongoing, state: 'resolved' });
    // Time goes on (group wait, group interval) until the resolution is out, however soon the record is read.
    await waitFor(
      () => {
        now += 10_000;
        return webhook.requests.length >= 2;
      },
      { intervalMs: 100, message: 'the resolution of the announced incident' },
    );

    const sent = webhook.requests.map((r) => r.json<{ kind: string; anomaly: { id: string } }>()).map((body) => [body.kind, body.anomaly.id]);
    expect(sent).toEqual([
      ['firing', 'an-ongoing'],
      ['resolved', 'an-ongoing'],
    ]);
    const briefRecords = (await records()).filter((r) => r.type === 'delivery' && r.alertId === 'an-brief');
    expect(briefRecords.map((r) => [r.kind, r.outcome])).toEqual([['firing', 'silenced']]);
  });
});
