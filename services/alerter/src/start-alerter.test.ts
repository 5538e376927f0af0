import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { InProcessTransport } from '@vigil/transport';
import { capturedLogger, WARN } from '../../../test/support/captured-logger';
import { anomalyFixture } from './anomaly-fixture';
import type { RunningService } from '@vigil/service';
import { startAlerter } from './start-alerter';

let running: RunningService | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function firstOutput(stream: PassThrough): Promise<string> {
  return new Promise((resolve) => stream.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
}

describe('startAlerter in the embedded mode', () => {
  it('prints an anomaly from the in-process transport to the console and describes itself', async () => {
    const transport = new InProcessTransport({ partitions: 2 });
    const logger = createLogger({ name: 'test', level: 'silent' });
    const telemetry = createTelemetry('test');
    const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
    const console = new PassThrough();
    await transport.ensureTopics();
    running = await startAlerter({ transport, logger, telemetry, http, env: {} }, { consoleStream: console });
    expect(running.describe()).toContainEqual('channels: console');

    const printed = firstOutput(console);
    const producer = await transport.producer();
    await producer.send(transport.topic('anomalies'), [{ key: 'k', value: JSON.stringify(anomalyFixture()) }]);
    expect(await printed).toContain('key-42');
    await producer.close();
  });

  it('warns at the stop of the silences made through the API, which the embedded mode loses, with the VIGIL_SILENCES that keeps them', async () => {
    const transport = new InProcessTransport({ partitions: 2 });
    const { logger, records } = capturedLogger();
    const telemetry = createTelemetry('test');
    const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
    await transport.ensureTopics();
    const env = { VIGIL_ADMIN_TOKENS: 'adm-0123456789abcdef', VIGIL_SILENCES: 'service=batch-jobs' };
    const clock = () => Date.UTC(2029, 6, 1);
    const alerter = await startAlerter({ transport, logger, telemetry, http, env }, { consoleStream: new PassThrough(), clock });
    expect(alerter.describe()).toContain('silence API: /v1/silences (admin token required; its silences last until Vigil stops, VIGIL_SILENCES across restarts)');
    const { port } = await http.listen();
    try {
      const made = await fetch(`http://127.0.0.1:${port}/v1/silences`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.VIGIL_ADMIN_TOKENS}` },
        body: JSON.stringify({ matchers: { detector: 'auth-failure-surge', entityKey: '203.0.113.*' }, durationSeconds: 3600 }),
      });
      expect(made.status).toBe(201);
    } finally {
      await http.close();
    }
    await alerter.stop();
    const lost = records.filter((r) => r.level === WARN && r.msg.startsWith('stopped with'));
    expect(lost.map((r) => r.msg)).toEqual([
      'stopped with 1 silence made through the silence API; it is lost (the embedded mode keeps nothing across a restart).' +
        " To keep it, start with VIGIL_SILENCES='detector=auth-failure-surge,entityKey=203.0.113.*,until=2029-07-01T01:00:00.000Z'",
    ]);
  });
});
