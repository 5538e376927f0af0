// What an operator sees while a channel fails: a warning that names the channel and the failure,
// once for a run of retries, and never the webhook's secret path. The real alerter on the
// in-process transport, with a real HTTP server standing in for Slack.

import { PassThrough } from 'node:stream';
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

describe('alerter retry warnings', () => {
  it('warns once, naming the channel and the failure, while Slack answers 503 three times, and never logs the webhook path', async () => {
    const slack = await startHttpSink({ responses: [503, 503, 503] });
    cleanup.push(() => slack.stop());
    const output = new PassThrough();
    const lines: Array<{ level: number; msg: string; channel?: string; reason?: string }> = [];
    let raw = '';
    output.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n').filter((l) => l.trim() !== '')) lines.push(JSON.parse(line));
    });
    const logger = createLogger({ name: 'retry-warning-test', level: 'info', destination: output });
    const telemetry = createTelemetry('retry-warning-test');
    const transport = new InProcessTransport({ partitions: 1 });
    await transport.ensureTopics();
    const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
    const env = {
      VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/webhooksecret`,
      VIGIL_ROUTE_CRITICAL: 'slack',
      VIGIL_CONSOLE_ALERTS: 'off',
      VIGIL_NOTIFY_BACKOFF_BASE_MS: '20',
      VIGIL_NOTIFY_BACKOFF_MAX_MS: '100',
    };
    const alerter = await startAlerter({ transport, logger, telemetry, http, env }, { tickMs: 100 });
    cleanup.push(() => alerter.stop());
    const producer = await transport.producer();
    cleanup.push(() => producer.close());
    await producer.send(transport.topic('anomalies'), [{ key: 'k', value: JSON.stringify(sampleAnomaly()) }]);

    await waitFor(() => lines.some((l) => l.msg === 'notification delivered on slack'), { message: 'the delivery after three 503s' });
    const retryWarnings = lines.filter((l) => l.msg.includes('retrying'));
    expect(retryWarnings.map((l) => [l.level, l.channel, l.reason, l.msg])).toEqual([
      [40, 'slack', 'HTTP 503: status 503', 'notification delivery on slack failed (HTTP 503: status 503); retrying'],
    ]);
    expect(slack.requests.map((r) => r.answeredWith)).toEqual([503, 503, 503, 200]);
    expect(raw).not.toContain('webhooksecret');
    expect(raw).not.toContain('/services/T0');
  });
});
