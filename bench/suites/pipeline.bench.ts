// (c) the collector's HTTP ingest → Kafka: POST nginx lines, timed until every request was
// answered 2xx (which the collector gives only once Kafka acknowledged the events); (d) the whole
// pipeline: the same, with the detector in the same process consuming and scoring, timed until the
// detector has received every event. Both compare with raw kafkajs from the transport suite.

import { waitUntil, type BenchContext, type BenchSuite } from '../lib/harness';
import { chunks, withConcurrency } from '../lib/kafka-bench';
import { sharedNginxTraffic } from '../lib/nginx-traffic';
import { postLines, startVigilStack } from '../lib/vigil-stack';

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

async function measure(ctx: BenchContext, lines: readonly string[], withDetector: boolean): Promise<number> {
  const stack = await startVigilStack({ brokers: await ctx.brokers(), services: withDetector ? ['collector', 'detector'] : ['collector'] });
  try {
    await ingestAll(stack.ingestUrl, lines.slice(0, LINES_PER_REQUEST)); // warm-up: metadata, leaders, JIT
    if (withDetector) await waitUntil(() => stack.received('detector') >= LINES_PER_REQUEST, 'the detector to receive the warm-up', 60_000);
    const before = stack.received('detector');
    const started = performance.now();
    const accepted = await ingestAll(stack.ingestUrl, lines);
    if (accepted !== lines.length) ctx.log(`collector accepted ${accepted} of ${lines.length} lines`);
    if (withDetector) await waitUntil(() => stack.received('detector') - before >= accepted, `the detector to receive ${accepted} events`, TIMEOUT_MS, 5);
    return (accepted * 1000) / (performance.now() - started);
  } finally {
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
    const ingest = await measure(ctx, sample, false);
    ctx.record({
      key: 'collector.ingest.eventsPerSec',
      value: ingest,
      unit: 'events/s',
      baseline: { ...raw, ratioKey: 'collector.ingest.ratioToRawKafkajs' },
      note: `POST /v1/logs, ${LINES_PER_REQUEST} nginx lines per request, ${REQUESTS_IN_FLIGHT} in flight, answered after Kafka acks`,
    });
    ctx.log(`pipeline HTTP ingest → Kafka → detector, ${sample.length} lines`);
    const pipeline = await measure(ctx, sample, true);
    ctx.record({
      key: 'pipeline.eventsPerSec',
      value: pipeline,
      unit: 'events/s',
      baseline: { ...raw, ratioKey: 'pipeline.ratioToRawKafkajs' },
      target: { text: '>= 100k/s (and >= 2x raw: see ratio)', met: pipeline >= 100_000 },
      note: 'collector + detector in one process (as vigil start with KAFKA_BROKERS), broker on the same 2 cores',
    });
  },
};

export default suite;
