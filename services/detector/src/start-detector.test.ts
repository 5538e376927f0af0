import { describe, expect, it, vi } from 'vitest';
import { ENCODING_EVENT_BATCH, ENCODING_HEADER, VigilError, validateAnomaly, type Anomaly } from '@vigil/contract';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { InProcessTransport, type Producer, type ReadAllOptions } from '@vigil/transport';
import { startDetector, type RunningDetector } from './start-detector';
import { anomalySteps, describeFirings, eventRecords, SCENARIO, scenarioTraffic } from './traffic-fixture';

const PARTITIONS = 3;
const ENV = { ...SCENARIO.env, VIGIL_IDLE_ADVANCE_SECONDS: '30' };
const EXPECTED_FIRINGS = SCENARIO.expectedFirings;
const firings = describeFirings;

/** Lets the in-process consumer group deliver everything pending: it runs on promises, not timers. */
async function settle(): Promise<void> {
  for (let round = 0; round < 300; round++) await new Promise((resolve) => setImmediate(resolve));
}

/** Fails the first send to one topic, as a broker outage right after the checkpoint was written would. */
class FailOnceTransport extends InProcessTransport {
  failed = false;
  constructor(private failTopic?: string) {
    super({ partitions: PARTITIONS, prefix: 'test.', retryDelayMs: 1 });
  }
  failNextSendTo(topic: string): void {
    this.failTopic = topic;
    this.failed = false;
  }
  override async producer(): Promise<Producer> {
    const inner = await super.producer();
    return {
      send: async (topic, records) => {
        if (topic === this.failTopic && !this.failed) {
          this.failed = true;
          throw new VigilError('VIGIL_KAFKA_UNAVAILABLE', 'injected outage', { retryable: true });
        }
        await inner.send(topic, records);
      },
      problem: () => inner.problem(),
      answeredSince: (time) => inner.answeredSince(time),
      close: () => inner.close(),
    };
  }
}

/** Reads of the state topic fail, as while the broker is down, each only once the test opens the gate. */
class OutageTransport extends FailOnceTransport {
  down = false;
  reads = 0;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release?.();
  }
  override async readAll(topic: string, options?: ReadAllOptions) {
    if (!this.down) return super.readAll(topic, options);
    this.reads += 1;
    await this.gate;
    throw new VigilError('VIGIL_KAFKA_UNAVAILABLE', 'injected outage', { retryable: true });
  }
}

async function harness(env: Record<string, string> = ENV, transport = new InProcessTransport({ partitions: PARTITIONS, prefix: 'test.' })) {
  await transport.ensureTopics();
  const logger = createLogger({ name: 'detector-test', level: 'silent' });
  const telemetry = createTelemetry('detector-test');
  const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const producer = await transport.producer();
  const start = (): Promise<RunningDetector> => startDetector({ transport, logger, telemetry, http, env }, { clock: clock.now, tickMs: 0, checkpoints: true });
  const send = async (fromBucket: number, toBucket: number) => {
    const events = scenarioTraffic(fromBucket, toBucket);
    await producer.send(transport.topic('events'), eventRecords(events, PARTITIONS, (key, count) => transport.partitionFor(key, count)));
  };
  const anomalies = async (): Promise<Anomaly[]> =>
    (await transport.readAll(transport.topic('anomalies'))).map((record) => validateAnomaly(JSON.parse(record.value.toString())));
  return { transport, telemetry, clock, start, send, anomalies, producer };
}

describe('startDetector over the in-process transport', () => {
  it('turns a flood and a brute force into anomalies for the client (partition-local) and its IP, route and service (repartitioned)', async () => {
    const h = await harness();
    const detector = await h.start();
    await h.send(0, 40);
    await settle();
    expect(firings(await h.anomalies())).toEqual(EXPECTED_FIRINGS);
    await detector.stop();
  });

  it('scores a bucket only once event time has passed its end, not when its events arrive', async () => {
    const h = await harness();
    const detector = await h.start();
    await h.send(0, 26);
    await settle();
    expect(firings(await h.anomalies())).toEqual([]);
    await h.send(26, 27);
    await settle();
    expect(firings(await h.anomalies())).toEqual(expect.arrayContaining(['traffic-spike client 10.0.0.4 @25', 'traffic-spike route GET /products/{id} @25']));
    await detector.stop();
  });

  it('advances time from the wall clock once no events arrived for the idle timeout', async () => {
    const h = await harness();
    const detector = await h.start();
    await h.send(0, 33);
    await settle();
    expect(firings(await h.anomalies())).not.toContain('auth-failure-surge ip 192.168.0.3 @32');
    h.clock.advance(29_000);
    await detector.tick();
    await settle();
    expect(firings(await h.anomalies())).not.toContain('auth-failure-surge ip 192.168.0.3 @32');
    h.clock.advance(1_000);
    await detector.tick();
    await settle();
    expect(firings(await h.anomalies())).toEqual(expect.arrayContaining(['auth-failure-surge ip 192.168.0.3 @32', 'traffic-spike client key-2 @32']));
    await detector.stop();
  });

  it('counts an undecodable events record as rejected and goes on with the next', async () => {
    const h = await harness();
    const detector = await h.start();
    await h.producer.send(h.transport.topic('events'), [
      { key: 'x', partition: 0, value: '{"not":"events"', headers: { [ENCODING_HEADER]: ENCODING_EVENT_BATCH } },
      { key: 'y', partition: 0, value: JSON.stringify([{ v: 1, time: 'soon' }]), headers: { [ENCODING_HEADER]: ENCODING_EVENT_BATCH } },
    ]);
    await h.send(0, 40);
    await settle();
    expect(firings(await h.anomalies())).toEqual(EXPECTED_FIRINGS);
    expect(await h.telemetry.renderPrometheus()).toMatch(/vigil_events_rejected_total\{[^}]*reason="invalid_envelope"[^}]*\} 2/);
    await detector.stop();
  });

  it('resumes after a restart with its baselines and without firing again what it reported', async () => {
    const h = await harness();
    const first = await h.start();
    await h.send(0, 28);
    await settle();
    await first.stop();
    const second = await h.start();
    // Restarting at bucket 28 with an empty state, the brute-forcing client would be cold (warm-up 10) and stay quiet.
    await h.send(28, 40);
    await settle();
    const anomalies = await h.anomalies();
    expect(firings(anomalies)).toEqual(EXPECTED_FIRINGS);
    const steps = anomalySteps(anomalies);
    expect(new Set(steps).size).toBe(steps.length);
    await second.stop();

    const fresh = await harness();
    const control = await fresh.start();
    await fresh.send(28, 40);
    await settle();
    expect(firings(await fresh.anomalies())).not.toContain('traffic-spike client key-2 @32');
    await control.stop();
  });

  for (const topic of ['test.anomalies.v1', 'test.repartition.v1']) {
    it(`publishes each anomaly once when sending to ${topic} fails after the checkpoint was written`, async () => {
      const transport = new FailOnceTransport(topic);
      const h = await harness(ENV, transport);
      const detector = await h.start();
      await h.send(0, 40);
      await vi.waitFor(async () => expect(firings(await h.anomalies())).toEqual(EXPECTED_FIRINGS), { timeout: 5000, interval: 20 });
      expect(transport.failed).toBe(true);
      const steps = anomalySteps(await h.anomalies());
      expect(new Set(steps).size).toBe(steps.length);
      await detector.stop();
    });
  }

  it('checkpoints and sends partial aggregates on only once the checkpoint interval is over, unless a bucket closed', async () => {
    const h = await harness({ ...ENV, VIGIL_CHECKPOINT_INTERVAL_MS: '1000' });
    const detector = await h.start();
    const written = async () => ({
      checkpoints: (await h.transport.readAll(h.transport.topic('detectorState'))).length,
      repartition: (await h.transport.readAll(h.transport.topic('repartition'))).length,
    });
    // The first batches start the watermark (a bucket boundary for the owners): out at once.
    await h.send(0, 1);
    await settle();
    const first = await written();
    expect(first.repartition).toBeGreaterThan(0);
    // More of the same bucket: nothing urgent, so it waits for the interval.
    await h.send(0, 1);
    await settle();
    expect(await written()).toEqual(first);
    h.clock.advance(1000);
    await detector.tick();
    await settle();
    const later = await written();
    expect(later.checkpoints).toBeGreaterThan(first.checkpoints);
    expect(later.repartition).toBeGreaterThan(first.repartition);
    await detector.stop();
  });

  it('reads the input since the last checkpoint again when a checkpoint taken by the idle tick fails', async () => {
    const transport = new FailOnceTransport();
    const h = await harness({ ...ENV, VIGIL_CHECKPOINT_INTERVAL_MS: '1000' }, transport);
    const detector = await h.start();
    const firstBucket = scenarioTraffic(0, 1);
    const half = Math.floor(firstBucket.length / 2);
    const publish = (events: typeof firstBucket) =>
      h.producer.send(transport.topic('events'), eventRecords(events, PARTITIONS, (key, count) => transport.partitionFor(key, count)));
    await publish(firstBucket.slice(0, half));
    await settle();
    // The rest of the same bucket closes nothing: it waits for the interval, which the tick finds over.
    await publish(firstBucket.slice(half));
    await settle();
    transport.failNextSendTo(transport.topic('detectorState'));
    h.clock.advance(1000);
    await detector.tick();
    expect(transport.failed).toBe(true);

    await h.send(1, 40);
    // The refused batch is delivered again after the transport's back-off timer.
    await vi.waitFor(async () => expect(firings(await h.anomalies())).toEqual(EXPECTED_FIRINGS), { timeout: 5000, interval: 20 });
    const received = Number(/vigil_events_received_total\{component="detector"\} (\d+)/.exec(await h.telemetry.renderPrometheus())?.[1]);
    // The partition whose checkpoint failed got its share of the second half again.
    expect(received).toBeGreaterThan(firstBucket.length + scenarioTraffic(1, 40).length);
    await detector.stop();
  });

  it('lets idle ticks join the one still running instead of queueing behind it while Kafka is down', async () => {
    const transport = new OutageTransport();
    const h = await harness({ ...ENV, VIGIL_CHECKPOINT_INTERVAL_MS: '1000' }, transport);
    const detector = await h.start();
    await h.send(0, 1);
    await settle();
    // A failed checkpoint drops the partition's task; every tick then tries to restore it.
    transport.failNextSendTo(transport.topic('detectorState'));
    h.clock.advance(1000);
    await detector.tick();
    expect(transport.failed).toBe(true);

    transport.down = true;
    transport.hold();
    // The timer fires every second while one restore waits for Kafka's retries.
    const ticks = Array.from({ length: 10 }, () => detector.tick());
    await settle();
    transport.open();
    await Promise.all(ticks);
    expect(transport.reads).toBe(1);

    transport.down = false;
    await detector.stop();
  });

  it('gives the same anomalies with two instances in the group as with one', async () => {
    const h = await harness();
    const detectors = [await h.start(), await h.start()];
    await h.send(0, 40);
    await settle();
    expect(firings(await h.anomalies())).toEqual(EXPECTED_FIRINGS);
    await Promise.all(detectors.map((d) => d.stop()));
  });

  it('keeps no checkpoints on the in-process transport unless asked to', async () => {
    const h = await harness();
    const logger = createLogger({ name: 'detector-test', level: 'silent' });
    const telemetry = createTelemetry('detector-test');
    const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
    const detector = await startDetector({ transport: h.transport, logger, telemetry, http, env: ENV }, { tickMs: 0 });
    await h.send(0, 12);
    await settle();
    expect(await h.transport.readAll(h.transport.topic('detectorState'))).toEqual([]);
    expect(detector.describe().join('\n')).toContain('no checkpoints');
    await detector.stop();
  });

  it('reports tracked entities as a gauge and describes its topics', async () => {
    const h = await harness();
    const detector = await h.start();
    await h.send(0, 12);
    await settle();
    expect(await h.telemetry.renderPrometheus()).toMatch(/vigil_detector_entities(\{[^}]*\})? (2[5-9]|[3-9]\d)\b/);
    expect(detector.describe().join('\n')).toContain('test.events.v1');
    await detector.stop();
  });

  it('gives the event loop turns while it works through one large batch, so /healthz is answered meanwhile', async () => {
    const transport = new InProcessTransport({ partitions: 1, prefix: 'test.' });
    await transport.ensureTopics();
    const logger = createLogger({ name: 'detector-test', level: 'silent' });
    const base = createTelemetry('detector-test');
    // What the detector reports as received, as it reports it.
    let received = 0;
    const telemetry = Object.create(base) as typeof base;
    telemetry.pipeline = (component) => {
      const metrics = base.pipeline(component);
      return component !== 'detector' ? metrics : { ...metrics, received: (count, attributes) => ((received += count), metrics.received(count, attributes)) };
    };
    const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
    const detector = await startDetector({ transport, logger, telemetry, http, env: ENV }, { clock: () => 1_000_000, tickMs: 0, checkpoints: false, sliceMs: 0 });
    const { port } = await http.listen();
    const events = scenarioTraffic(0, 40);
    const records = eventRecords(events, 1, () => 0);
    expect(records.length).toBeGreaterThan(10);

    // One send: the in-process consumer hands all of it over as one batch.
    const sent = (await transport.producer()).send(transport.topic('events'), records);
    const answeredWith: number[] = [];
    while (received < events.length) {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(200);
      answeredWith.push(received);
    }
    await sent;
    expect(answeredWith.some((count) => count > 0 && count < events.length)).toBe(true);
    await http.close();
    await detector.stop();
  });
});
