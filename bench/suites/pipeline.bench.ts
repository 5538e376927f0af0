// (c) the collector's HTTP ingest → Kafka: POST nginx lines, timed until every request was
// answered 2xx (which the collector gives only once Kafka acknowledged the events); (d) the whole
// pipeline: the same, with the detector consuming and scoring, timed from the first POST until the
// detector has consumed and scored every event. The headline figure runs the detector in a child
// process, as deployed; the detector beside the collector in one process is recorded too. All
// compare with raw kafkajs from the transport suite.

import { waitUntil, type BenchContext, type BenchSuite } from '../lib/harness';
import { chunks, withConcurrency } from '../lib/kafka-bench';
import { sharedNginxTraffic } from '../lib/nginx-traffic';
import { startDetectorProcess } from '../lib/detector-process';
import { postLines, startVigilStack, type VigilStack } from '../lib/vigil-stack';

const LINES_PER_REQUEST = 2_500;
const REQUESTS_IN_FLIGHT = 2;
const TIMEOUT_MS = 300_000;

async function ingestAll(url: string, lines: readonly string[]): Promise<number> {
  let accepted = 0;
  await withConcurrency(chunks(lines, LINES_PER_REQUEST), REQUESTS_IN_FLIGHT, async (chunk) => {
    const response = await postLines(url, chunk.join('\n'));
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
  stop(): Promise<void>;
}

async function startDetectorFor(stack: VigilStack, placement: DetectorPlacement): Promise<DetectorCounter | undefined> {
  if (placement === 'none') return undefined;
  if (placement === 'in-process') return { received: () => stack.received('detector'), stop: async () => {} };
  return startDetectorProcess(stack.env);
}

async function measure(ctx: BenchContext, lines: readonly string[], placement: DetectorPlacement): Promise<number> {
  const stack = await startVigilStack({ brokers: await ctx.brokers(), services: placement === 'in-process' ? ['collector', 'detector'] : ['collector'] });
  let detector: DetectorCounter | undefined;
  try {
    detector = await startDetectorFor(stack, placement);
    await ingestAll(stack.ingestUrl, lines.slice(0, LINES_PER_REQUEST)); // warm-up: metadata, leaders, group join, JIT
    if (detector !== undefined) {
      const counter = detector;
      await waitUntil(() => counter.received() >= LINES_PER_REQUEST, 'the detector to receive the warm-up', 60_000);
    }
    const before = detector?.received() ?? 0;
    const started = performance.now();
    const accepted = await ingestAll(stack.ingestUrl, lines);
    if (accepted !== lines.length) ctx.log(`collector accepted ${accepted} of ${lines.length} lines`);
    if (detector !== undefined) {
      const counter = detector;
      await waitUntil(() => counter.received() - before >= accepted, `the detector to receive ${accepted} events`, TIMEOUT_MS, 5);
    }
    return (accepted * 1000) / (performance.now() - started);
  } finally {
    await detector?.stop();
    await stack.stop();
  }
}

const suite: BenchSuite = {
  name: 'pipeline',
  order: 40,
  async run(ctx) {
    const count = ctx.quick ? 100_000 : 300_000;
    const { lines } = sharedNginxTraffic(count);
    const sample = lines.slice(0, count);
    const raw = { key: 'transport.rawKafkajs.eventsPerSec', ratioKey: '' };
    ctx.log(`collector HTTP ingest → Kafka, ${sample.length} lines`);
    const ingest = await measure(ctx, sample, 'none');
    ctx.record({
      key: 'collector.ingest.eventsPerSec',
      value: ingest,
      unit: 'events/s',
      baseline: { ...raw, ratioKey: 'collector.ingest.ratioToRawKafkajs' },
      note: `POST /v1/logs, ${LINES_PER_REQUEST} nginx lines per request, ${REQUESTS_IN_FLIGHT} in flight, answered after Kafka acks`,
    });
    ctx.log(`pipeline HTTP ingest → Kafka → detector in its own process, ${sample.length} lines`);
    const pipeline = await measure(ctx, sample, 'own-process');
    ctx.record({
      key: 'pipeline.eventsPerSec',
      value: pipeline,
      unit: 'events/s',
      baseline: { ...raw, ratioKey: 'pipeline.ratioToRawKafkajs' },
      target: { text: '>= 100k/s (and >= 2x raw: see ratio)', met: pipeline >= 100_000 },
      note: 'collector in this process, detector in a child process (as deployed: vigil start collector / vigil start detector), broker on the same 2 cores',
    });
    ctx.log(`pipeline HTTP ingest → Kafka → detector in the collector's process, ${sample.length} lines`);
    const inProcess = await measure(ctx, sample, 'in-process');
    ctx.record({
      key: 'pipeline.inProcess.eventsPerSec',
      value: inProcess,
      unit: 'events/s',
      baseline: { ...raw, ratioKey: 'pipeline.inProcess.ratioToRawKafkajs' },
      note: 'collector + detector in one process (as vigil start with KAFKA_BROKERS), broker on the same 2 cores',
    });
  },
};

export default suite;
