import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { InProcessTransport } from '@vigil/transport';
import { capturedLogger, WARN } from '../../../test/support/captured-logger';
import { anomalyFixture } from './anomaly-fixture';
import type { RunningService } from '@vigil/service';
import { startAlerter } from './start-alerter';

let running: RunningService[] = [];
afterEach(async () => {
  await Promise.all(running.map((service) => service.stop()));
  running = [];
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
    const alerter = await startAlerter({ transport, logger, telemetry, http, env: {} }, { consoleStream: console });
    running.push(alerter);
    expect(alerter.describe()).toContainEqual('channels: console');

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

  it('of two alerters in one group, only the holder of anomalies.v1 partition 0 tombstones an expired silence', async () => {
    const transport = new InProcessTransport({ partitions: 2 });
    await transport.ensureTopics();
    const logger = createLogger({ name: 'test', level: 'silent' });
    const telemetry = createTelemetry('test');
    const start = Date.UTC(2026, 10, 29, 12);
    // Each instance has its own clock, so the test decides which one sees the silence expire first.
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const instance = { now: start, reads: 0, alerter: undefined as unknown as RunningService };
        const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
        const clock = () => (instance.reads++, instance.now);
        instance.alerter = await startAlerter({ transport, logger, telemetry, http, env: { VIGIL_CONSOLE_ALERTS: 'off' } }, { clock, tickMs: 5 });
        running.push(instance.alerter);
        return instance;
      }),
    );
    const holdsPartitionZero = (instance: (typeof instances)[number]) => instance.alerter.describe().some((line) => /of partitions 0\b/.test(line));
    await vi.waitFor(() => expect(instances.filter(holdsPartitionZero)).toHaveLength(1));
    const holder = instances.find(holdsPartitionZero)!;
    const other = instances.find((instance) => instance !== holder)!;
    const silences = transport.topic('silences');
    const silence = { v: 1, id: 's-1', matchers: { detector: 'traffic-spike' }, startsAt: start, endsAt: start + 1000, createdBy: 'test', comment: '' };
    await (await transport.producer()).send(silences, [{ key: 's-1', value: JSON.stringify(silence) }]);
    const tombstones = async () => (await transport.readAll(silences)).filter((r) => r.tombstone === true).length;

    // The other instance sees the silence expire and ticks on for a while: it leaves the tombstone to the holder.
    other.now = start + 1000;
    const reads = other.reads;
    await vi.waitFor(() => expect(other.reads).toBeGreaterThan(reads + 100));
    expect(await tombstones()).toBe(0);
    holder.now = start + 1000;
    await vi.waitFor(async () => expect(await tombstones()).toBe(1));
  });

  describe('notifications.v1', () => {
    const logger = createLogger({ name: 'test', level: 'silent' });
    const telemetry = createTelemetry('test');
    const env = (group: string) => ({ VIGIL_CONSOLE_ALERTS: 'off', VIGIL_ALERTER_GROUP: group, VIGIL_REPEAT_INTERVAL_SECONDS: String(7 * 24 * 3600) });
    const groupRecords = async (transport: InProcessTransport) =>
      (await transport.readAll(transport.topic('notifications'))).map((r) => JSON.parse(r.value.toString()) as { type: string; state?: { groupKey: string } }).filter((r) => r.type === 'group');
    const openAlerts = (alerter: RunningService) => alerter.describe().find((line) => line.includes('open alerts'));

    it('saves an open group again after an hour without any change, so a restore of the last day finds it', async () => {
      const transport = new InProcessTransport({ partitions: 1 });
      await transport.ensureTopics();
      let now = Date.now();
      const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
      running.push(await startAlerter({ transport, logger, telemetry, http, env: env('first') }, { clock: () => now, tickMs: 5 }));
      await (await transport.producer()).send(transport.topic('anomalies'), [{ key: 'k', value: JSON.stringify(anomalyFixture()) }]);
      await vi.waitFor(async () => expect(await groupRecords(transport)).toHaveLength(1));

      now += 3600 * 1000;
      await vi.waitFor(async () => expect(await groupRecords(transport)).toHaveLength(2));
      const [first, again] = await groupRecords(transport);
      expect(again!.state).toEqual(first!.state);
    });

    it('restores from the last day of the topic only: a group last saved longer ago is not taken over', async () => {
      const transport = new InProcessTransport({ partitions: 1 });
      await transport.ensureTopics();
      // The test's clocks start at the records' own time (the wall clock) and move from there.
      const savedAt = Date.now();
      const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
      const owner = await startAlerter({ transport, logger, telemetry, http, env: env('owner') }, { clock: () => savedAt, tickMs: 5 });
      await (await transport.producer()).send(transport.topic('anomalies'), [{ key: 'k', value: JSON.stringify(anomalyFixture()) }]);
      await vi.waitFor(async () => expect(await groupRecords(transport)).toHaveLength(1));
      await owner.stop();

      // The same consumer group resumes after the anomaly: whatever group it holds comes from the restore.
      const restartAt = async (now: number) => {
        const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
        const alerter = await startAlerter({ transport, logger, telemetry, http, env: env('owner') }, { clock: () => now, tickMs: 5 });
        await vi.waitFor(() => expect(openAlerts(alerter)).toMatch(/of partitions 0\)/));
        const described = openAlerts(alerter);
        await alerter.stop();
        return described;
      };
      expect(await restartAt(savedAt + 23 * 3600 * 1000)).toContain('open alerts: 1');
      expect(await restartAt(savedAt + 25 * 3600 * 1000)).toContain('open alerts: 0');
    });
  });
});
