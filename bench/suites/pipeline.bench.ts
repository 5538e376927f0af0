// (c) the collector's HTTP ingest → Kafka: POST nginx lines, timed until every request was
// answered 2xx (which the collector gives only once Kafka acknowledged the events); (d) the whole
// pipeline: the same, with the detector consuming and scoring, timed from the first POST until the
// detector has consumed and scored every event. The headline figure runs the detector in a child
// process, as deployed; the detector beside the collector in one process is recorded too. All
// compare with raw kafkajs from the transport suite.

import { interleavedMedians, KAFKA_ROUNDS, noteWithMedian, processCpuMs, WARM_UP_EVENTS, waitUntil, type BenchContext, type BenchSuite } from '../lib/harness';
import { chunks, withConcurrency } from '../lib/kafka-bench';
import { sharedNginxTraffic } from '../lib/nginx-traffic';
import { startDetectorProcess } from '../lib/detector-process';
import { postLines, startVigilStack, type VigilStack } from '../lib/vigil-stack';

const LINES_PER_REQUEST = 2_500;
const REQUESTS_IN_FLIGHT = 2;
/** Warm-up lines (see WARM_UP_EVENTS) are the ones just before the measured ones: one continuous stream. */
const WARM_UP_LINES = WARM_UP_EVENTS;
const TIMEOUT_MS = 300_000;

/**
 * Request bodies built before the clock starts: a log shipper sends bytes it already holds, and
 * building them here would charge the collector's process for work no collector does.
 */
function requestBodies(lines: readonly string[]): Buffer[] {
  return chunks(lines, LINES_PER_REQUEST).map((chunk) => Buffer.from(chunk.join('\n')));
}

async function ingestAll(url: string, bodies: readonly Buffer[]): Promise<number> {
  let accepted = 0;
  await withConcurrency(bodies, REQUESTS_IN_FLIGHT, async (body) => {
    const response = await postLines(url, body);
    if (response.status >= 300) throw new Error(`collector answered ${response.status}: ${response.body.slice(0, 300)}`);
    accepted += (JSON.parse(response.body) as { accepted?: number }).accepted ?? 0;
  });
  return accepted;
}

/**
 * Where the detector runs: nowhere (the collector alone), in this process beside the collector (as
 * `vigil start` does with KAFKA_BROKERS), or in a child process (as deployed: `vigil start detector`).
 */
type DetectorPlacement = 'none' | 'in-process' | 'own-process';

interface DetectorCounter {
  received(): number;
  /** CPU ms of the detector's process: undefined when it shares the collector's. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** Events/s, and CPU µs per event of the collector's process (with the bench's HTTP client) and the detector's. */
interface PipelineRate {
  eventsPerSec: number;
  collectorCpuUsPerEvent: number;
  detectorCpuUsPerEvent: number | undefined;
}

async function startDetectorFor(stack: VigilStack, placement: DetectorPlacement): Promise<DetectorCounter | undefined> {
  if (placement === 'none') return undefined;
  if (placement === 'in-process') return { received: () => stack.received('detector'), cpuMs: () => undefined, stop: async () => {} };
  return startDetectorProcess(stack.env);
}

async function measure(ctx: BenchContext, warmUp: readonly string[], lines: readonly string[], placement: DetectorPlacement): Promise<PipelineRate> {
  const stack = await startVigilStack({ brokers: await ctx.brokers(), services: placement === 'in-process' ? ['collector', 'detector'] : ['collector'] });
  let detector: DetectorCounter | undefined;
  try {
    detector = await startDetectorFor(stack, placement);
    const warmedUp = await ingestAll(stack.ingestUrl, requestBodies(warmUp)); // metadata, leaders, group join, JIT
    if (detector !== undefined) {
      const counter = detector;
      await waitUntil(() => counter.received() >= warmedUp, 'the detector to receive the warm-up', 60_000);
    }
    const bodies = requestBodies(lines);
    const before = detector?.received() ?? 0;
    const detectorCpuBefore = detector?.cpuMs();
    const collectorCpuBefore = processCpuMs();
    const started = performance.now();
    const accepted = await ingestAll(stack.ingestUrl, bodies);
    if (accepted !== lines.length) ctx.log(`collector accepted ${accepted} of ${lines.length} lines`);
    if (detector !== undefined) {
      const counter = detector;
      await waitUntil(() => counter.received() - before >= accepted, `the detector to receive ${accepted} events`, TIMEOUT_MS, 5);
    }
    const elapsedMs = performance.now() - started;
    const detectorCpuAfter = detector?.cpuMs();
    const usPerEvent = (ms: number) => (ms * 1000) / accepted;
    return {
      eventsPerSec: (accepted * 1000) / elapsedMs,
      collectorCpuUsPerEvent: usPerEvent(processCpuMs() - collectorCpuBefore),
      detectorCpuUsPerEvent: detectorCpuBefore === undefined || detectorCpuAfter === undefined ? undefined : usPerEvent(detectorCpuAfter - detectorCpuBefore),
    };
  } finally {
    await detector?.stop();
    await stack.stop();
  }
}

/**
 * CPU per event of each Node process: on two cores shared with the broker, the rate is bound by
 * their sum as much as by the busiest one, and these show which side to make cheaper.
 */
function recordCpu(ctx: BenchContext, prefix: string, rate: PipelineRate): void {
  ctx.record({
    key: `${prefix}.collectorProcessCpuUsPerEvent`,
    value: rate.collectorCpuUsPerEvent,
    unit: 'µs CPU',
    note: "user + system CPU of the collector's process per event, including the bench's HTTP client",
  });
  if (rate.detectorCpuUsPerEvent !== undefined) {
    ctx.record({ key: `${prefix}.detectorProcessCpuUsPerEvent`, value: rate.detectorCpuUsPerEvent, unit: 'µs CPU', note: "user + system CPU of the detector's process per event" });
  }
}

/** What each placement's figures are called and what they measure; the deployed one carries the target. */
const PLACEMENTS = {
  ingest: {
    placement: 'none',
    prefix: 'collector.ingest',
    note: `POST /v1/logs, ${LINES_PER_REQUEST} nginx lines per request, ${REQUESTS_IN_FLIGHT} in flight, answered after Kafka acks`,
  },
  pipeline: {
    placement: 'own-process',
    prefix: 'pipeline',
    note: 'collector in this process, detector in a child process (as deployed: vigil start collector / vigil start detector), broker on the same 2 cores',
  },
  inProcess: {
    placement: 'in-process',
    prefix: 'pipeline.inProcess',
    note: 'collector + detector in one process (as vigil start with KAFKA_BROKERS), broker on the same 2 cores',
  },
} as const satisfies Record<string, { placement: DetectorPlacement; prefix: string; note: string }>;

const suite: BenchSuite = {
  name: 'pipeline',
  order: 40,
  async run(ctx) {
    const count = ctx.quick ? 100_000 : 300_000;
    const { lines } = sharedNginxTraffic(WARM_UP_LINES + count);
    const warmUp = lines.slice(0, WARM_UP_LINES);
    const sample = lines.slice(WARM_UP_LINES, WARM_UP_LINES + count);
    ctx.log(`collector HTTP ingest → Kafka, then → detector in its own process, then in the collector's: ${sample.length} lines each, after ${warmUp.length} to warm up`);
    const names = Object.keys(PLACEMENTS) as Array<keyof typeof PLACEMENTS>;
    const rates = await interleavedMedians(
      ctx.quick ? 1 : KAFKA_ROUNDS,
      Object.fromEntries(names.map((name) => [name, () => measure(ctx, warmUp, sample, PLACEMENTS[name].placement)])) as Record<keyof typeof PLACEMENTS, () => Promise<PipelineRate>>,
      (rate) => rate.eventsPerSec,
      ctx.log,
    );
    for (const name of names) {
      const { prefix, note } = PLACEMENTS[name];
      const { median, values } = rates[name];
      ctx.record({
        key: `${prefix}.eventsPerSec`,
        value: median.eventsPerSec,
        unit: 'events/s',
        baseline: { key: 'transport.rawKafkajs.eventsPerSec', ratioKey: `${prefix}.ratioToRawKafkajs` },
        ...(name === 'pipeline' ? { target: { text: '>= 100k/s (and >= 2x raw: see ratio)', met: median.eventsPerSec >= 100_000 } } : {}),
        note: noteWithMedian(note, values),
      });
      recordCpu(ctx, prefix, median);
    }
  },
};

export default suite;
