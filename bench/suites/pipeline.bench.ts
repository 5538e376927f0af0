// (c) the collector's HTTP ingest → Kafka: POST nginx lines (from a load generator in a process of
// its own, so the collector's process runs only the collector), timed until every request was
// answered 2xx (which the collector gives only once Kafka acknowledged the events); (d) the whole
// pipeline: the same, with the detector consuming and scoring, timed from the first POST until the
// detector has consumed and scored every event. The headline figure runs the detector in a child
// process, as deployed; the detector beside the collector in one process is recorded too. All
// compare with raw kafkajs from the transport suite.

import { interleavedMedians, KAFKA_ROUNDS, noteWithMedian, processCpuMs, WARM_UP_EVENTS, waitUntil, type BenchContext, type BenchSuite } from '../lib/harness';
import { startDetectorProcess } from '../lib/detector-process';
import { LOAD_SHAPE, startLoadGenerator } from '../lib/load-generator';
import { startVigilStack, type VigilStack } from '../lib/vigil-stack';

/** Warm-up lines (see WARM_UP_EVENTS) are the ones just before the measured ones: one continuous stream. */
const WARM_UP_LINES = WARM_UP_EVENTS;
const TIMEOUT_MS = 300_000;

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

/** Events/s, and CPU µs per event of the collector's process, the detector's and the load generator's. */
interface PipelineRate {
  eventsPerSec: number;
  collectorCpuUsPerEvent: number;
  detectorCpuUsPerEvent: number | undefined;
  loadGeneratorCpuUsPerEvent: number;
}

async function startDetectorFor(stack: VigilStack, placement: DetectorPlacement): Promise<DetectorCounter | undefined> {
  if (placement === 'none') return undefined;
  if (placement === 'in-process') return { received: () => stack.received('detector'), cpuMs: () => undefined, stop: async () => {} };
  return startDetectorProcess(stack.env);
}

async function measure(ctx: BenchContext, count: number, placement: DetectorPlacement): Promise<PipelineRate> {
  const stack = await startVigilStack({ brokers: await ctx.brokers(), services: placement === 'in-process' ? ['collector', 'detector'] : ['collector'] });
  let detector: DetectorCounter | undefined;
  const load = await startLoadGenerator(stack.ingestUrl, WARM_UP_LINES + count);
  try {
    detector = await startDetectorFor(stack, placement);
    await load.prepare(0, WARM_UP_LINES);
    const { accepted: warmedUp } = await load.go(); // metadata, leaders, group join, JIT
    if (detector !== undefined) {
      const counter = detector;
      await waitUntil(() => counter.received() >= warmedUp, 'the detector to receive the warm-up', 60_000);
    }
    // Request bodies are built before the clock starts: a log shipper sends bytes it already holds.
    await load.prepare(WARM_UP_LINES, count);
    const before = detector?.received() ?? 0;
    const detectorCpuBefore = detector?.cpuMs();
    const collectorCpuBefore = processCpuMs();
    const started = performance.now();
    const { accepted, cpuMs: loadCpuMs } = await load.go();
    if (accepted !== count) ctx.log(`collector accepted ${accepted} of ${count} lines`);
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
      loadGeneratorCpuUsPerEvent: usPerEvent(loadCpuMs),
    };
  } finally {
    await load.stop();
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
    note: "user + system CPU of the collector's process per event (the log shipper runs in a process of its own)",
  });
  ctx.record({
    key: `${prefix}.loadGeneratorProcessCpuUsPerEvent`,
    value: rate.loadGeneratorCpuUsPerEvent,
    unit: 'µs CPU',
    note: 'user + system CPU of the process that POSTs the lines, per event: on the same two cores',
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
    note: `POST /v1/logs from a process of its own, ${LOAD_SHAPE}, answered after Kafka acks`,
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
    ctx.log(`collector HTTP ingest → Kafka, then → detector in its own process, then in the collector's: ${count} lines each, after ${WARM_UP_LINES} to warm up`);
    const names = Object.keys(PLACEMENTS) as Array<keyof typeof PLACEMENTS>;
    const rates = await interleavedMedians(
      ctx.quick ? 1 : KAFKA_ROUNDS,
      Object.fromEntries(names.map((name) => [name, () => measure(ctx, count, PLACEMENTS[name].placement)])) as Record<keyof typeof PLACEMENTS, () => Promise<PipelineRate>>,
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
