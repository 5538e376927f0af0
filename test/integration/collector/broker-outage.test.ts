// The delivery guarantee with the broker killed mid-stream: the collector answers 503 with
// Retry-After instead of acknowledging, reports not ready, recovers when the broker is back,
// and every request it answered with 200 is on the topic. Without traffic it still reports the
// outage on /readyz.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvents, ENCODING_HEADER } from '@vigil/contract';
import { kafkaSchema, loadConfig } from '@vigil/config';
import { createLogger } from '@vigil/telemetry';
import { createTransport } from '@vigil/transport';
import { startBroker, type LocalBroker } from '../../../tools/kafka/broker';
import { readiness, readinessThroughBrokerOutage } from '../../support/readiness';
import { waitFor } from '../../support/wait-for';
import { collectorTestEnv, nginxLine, startTestCollector, type TestCollector } from './collector-harness';

let broker: LocalBroker;
const collectors: TestCollector[] = [];

beforeAll(async () => {
  // A broker of this test's own: killing the shared one would break every other test.
  broker = await startBroker();
}, 120_000);
afterAll(async () => {
  for (const collector of collectors) await collector.stop();
  await broker.stop();
}, 60_000);

describe('collector during a broker outage', () => {
  it('answers 503 while Kafka is down, recovers after, and loses nothing it acknowledged', async () => {
    const running = await startTestCollector(collectorTestEnv(broker.brokers, { VIGIL_INGEST_ACK_TIMEOUT_MS: '1500', VIGIL_TOPIC_PARTITIONS: '2' }));
    collectors.push(running);
    const acknowledged: string[] = [];
    const refusals: Array<{ status: number; retryAfter: string | null }> = [];
    let sequence = 0;
    const sendOne = async () => {
      const path = `/outage/${sequence++}`;
      const response = await running.post(nginxLine(path));
      if (response.status === 200) acknowledged.push(path);
      else refusals.push({ status: response.status, retryAfter: response.headers.get('retry-after') });
      return response.status;
    };

    for (let i = 0; i < 10; i++) expect(await sendOne()).toBe(200);

    await broker.kill();
    await waitFor(async () => (await sendOne()) === 503, { timeoutMs: 60_000, intervalMs: 10, message: 'a 503 while the broker is down' });
    const down = await readiness(running.url);
    expect(down.status).toBe(503);
    // Anyone may read /readyz: it says what failed, and Kafka's error (broker addresses) stays in the log.
    expect(down.reasons['collector-kafka']).toMatch(/^Kafka unavailable: (the last send failed|no acknowledgement within 1500 ms) \(the log has Kafka's error\)$/);

    await broker.restart();
    await waitFor(async () => (await sendOne()) === 200, { timeoutMs: 90_000, intervalMs: 10, message: 'a 200 after the broker restarted' });
    for (let i = 0; i < 5; i++) expect(await sendOne()).toBe(200);

    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((r) => r.status === 503 && Number(r.retryAfter) >= 1)).toBe(true);

    // Read the topic afresh: every acknowledged request is there (duplicates are allowed, losses are not).
    const reader = createTransport({ kafka: loadConfig(kafkaSchema, running.env), logger: createLogger({ name: 'outage-reader', level: 'silent' }) });
    try {
      const records = await reader.readAll(reader.topic('events'));
      const published = new Set(records.flatMap((r) => decodeEvents(r.value, r.headers[ENCODING_HEADER]).map((e) => e.request.path)));
      expect(acknowledged.filter((path) => !published.has(path))).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 240_000);

  it('is not ready while the broker is down even when no traffic arrives, and ready again once it is back', async () => {
    const idle = await startTestCollector(collectorTestEnv(broker.brokers, { VIGIL_TOPIC_PARTITIONS: '1' }));
    collectors.push(idle);
    const down = await readinessThroughBrokerOutage(idle.url, broker, 'collector');
    expect(down.reasons['collector-kafka']).toBe(
      'Kafka unavailable: no Kafka broker answered the last connection check (the log has the error: "Kafka broker check failed")',
    );
  }, 240_000);

  it('is ready again once the broker is back, although the traffic stopped during the outage', async () => {
    const running = await startTestCollector(collectorTestEnv(broker.brokers, { VIGIL_INGEST_ACK_TIMEOUT_MS: '1500', VIGIL_TOPIC_PARTITIONS: '1' }));
    collectors.push(running);
    await waitFor(async () => (await readiness(running.url)).status === 200, { timeoutMs: 60_000, message: 'the collector to be ready' });
    expect((await running.post(nginxLine('/before'))).status).toBe(200);

    await broker.kill();
    let sequence = 0;
    await waitFor(async () => (await running.post(nginxLine(`/during/${sequence++}`))).status === 503, {
      timeoutMs: 60_000,
      intervalMs: 10,
      message: 'a 503 while the broker is down',
    });
    // The send behind that 503 failed: its request gave up waiting, so nothing is sent again.
    await waitFor(async () => /vigil_errors_total\{component="collector",stage="publish"\} [1-9]/.test(await (await fetch(`${running.url}/metrics`)).text()), {
      timeoutMs: 60_000,
      intervalMs: 200,
      message: 'the failed send in /metrics',
    });
    expect((await readiness(running.url)).status).toBe(503);

    await broker.restart();
    await waitFor(async () => (await readiness(running.url)).status === 200, { timeoutMs: 120_000, intervalMs: 200, message: 'the collector to be ready again' });
  }, 240_000);
});
