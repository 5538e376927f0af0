// Detection latency: from POSTing the log lines of a burst to the collector until the Slack stand-in
// (a real local HTTP server) receives the alert, through Kafka, the detector and the alerter, for
// two bucket widths. Steady background traffic with current timestamps moves the watermark, as a
// live gateway does; each trial is a new client exceeding VIGIL_RATE_LIMIT_PER_CLIENT in one bucket.

import { startHttpSink } from '../../test/support/http-sink';
import { nginxTimeLocal } from '../lib/nginx-traffic';
import { percentile, waitUntil, type BenchContext, type BenchSuite } from '../lib/harness';
import { postLines, startVigilStack } from '../lib/vigil-stack';

const RATE_LIMIT_PER_CLIENT = 100;
const BURST_LINES = 300;
const BACKGROUND_EVERY_MS = 100;
/** The watermark trails the newest event by this much (VIGIL_WATERMARK_ALLOWANCE_SECONDS; default 2). */
const WATERMARK_ALLOWANCE_SECONDS = 1;

function line(ip: string, timeMs: number, n: number): string {
  return `${ip} - - [${nginxTimeLocal(timeMs)}] "GET /products/${n % 500} HTTP/1.1" 200 ${900 + (n % 300)} "-" "okhttp/4.12.0"`;
}

async function measureWidth(ctx: BenchContext, bucketSeconds: number, trials: number): Promise<number[]> {
  const sink = await startHttpSink();
  const stack = await startVigilStack({
    brokers: await ctx.brokers(),
    services: ['collector', 'detector', 'alerter'],
    env: {
      VIGIL_BUCKET_SECONDS: String(bucketSeconds),
      VIGIL_WATERMARK_ALLOWANCE_SECONDS: String(WATERMARK_ALLOWANCE_SECONDS),
      VIGIL_IDLE_ADVANCE_SECONDS: '1',
      VIGIL_RATE_LIMIT_PER_CLIENT: String(RATE_LIMIT_PER_CLIENT),
      VIGIL_SLACK_WEBHOOK_URL: `${sink.url}/services/T0/B0/bench`,
      VIGIL_CONSOLE_ALERTS: 'off',
      // Every trial is another client flooding the same route: correlated, the trials after the
      // first would be announced as updates of one incident, after VIGIL_GROUP_INTERVAL_SECONDS.
      // This measures how soon a new incident's page arrives.
      VIGIL_CORRELATE_BY: 'none',
    },
  }).catch(async (error: unknown) => {
    await sink.stop();
    throw error;
  });
  let sequence = 0;
  let running = true;
  const background = (async () => {
    while (running) {
      const now = Date.now();
      const body = Array.from({ length: 20 }, (_, i) => line(`10.1.0.${i}`, now, sequence++)).join('\n');
      await postLines(stack.ingestUrl, body).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, BACKGROUND_EVERY_MS));
    }
  })();
  const latencies: number[] = [];
  try {
    for (let trial = 0; trial < trials; trial++) {
      // Start anywhere in a bucket, so the figure covers the whole range of waits for its end.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * bucketSeconds * 1000));
      const ip = `192.0.2.${trial + 1}`;
      const seen = sink.requests.length;
      const posted = Date.now();
      const response = await postLines(stack.ingestUrl, Array.from({ length: BURST_LINES }, (_, n) => line(ip, posted, n)).join('\n'));
      if (response.status >= 300) throw new Error(`collector answered ${response.status}: ${response.body}`);
      await waitUntil(() => sink.requests.slice(seen).some((r) => r.body.includes(ip)), `the alert for ${ip} to reach the Slack stand-in`, 60_000, 5);
      latencies.push(Date.now() - posted);
    }
  } finally {
    running = false;
    await background;
    await stack.stop();
    await sink.stop();
  }
  return latencies.sort((a, b) => a - b);
}

const suite: BenchSuite = {
  name: 'latency',
  order: 50,
  async run(ctx) {
    const trials = ctx.quick ? 4 : 20;
    const widths = [1, 2];
    for (const width of widths) {
      ctx.log(`alert latency, ${width} s buckets, ${trials} trials`);
      const latencies = await measureWidth(ctx, width, trials);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      const target = { text: `p99 <= ${width + 2} s`, met: p99 <= (width + 2) * 1000 };
      ctx.record({ key: `latency.bucket${width}s.p50Ms`, value: p50, unit: 'ms' });
      ctx.record({ key: `latency.bucket${width}s.p99Ms`, value: p99, unit: 'ms', target, note: `${latencies.length} trials, watermark allowance ${WATERMARK_ALLOWANCE_SECONDS} s; max ${latencies.at(-1)} ms` });
      if (width === widths[0]) {
        ctx.record({ key: 'latency.p50Ms', value: p50, unit: 'ms', note: `${width} s buckets` });
        ctx.record({ key: 'latency.p99Ms', value: p99, unit: 'ms', target, note: `${width} s buckets` });
      }
    }
  },
};

export default suite;
