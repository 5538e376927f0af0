import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { InProcessTransport } from '@vigil/transport';
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
});
