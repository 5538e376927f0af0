// Runs in a child process started with --expose-gc by engine-memory.bench.ts: builds a detection
// engine tracking `entities` clients, reports heap bytes per tracked entity (after global.gc()),
// then the cost per event of observing (a record's events at a time, as the detector does) and
// scoring buckets whose clients are drawn from all of them.
//
//   node --expose-gc --import tsx engine-memory-child.ts <entities> <eventsPerBucket> <buckets>

import type { ApiAccessEvent } from '@vigil/contract';
import { DEFAULT_DETECTION_CONFIG, DetectionEngine } from '@vigil/detection';
import { processCpuMs } from '../../../bench/lib/harness';
import { ROUTES } from '../src/simulator/index';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const [entities, eventsPerBucket, measuredBuckets] = process.argv.slice(2).map(Number) as [number, number, number];
const BUCKET_MS = DEFAULT_DETECTION_CONFIG.bucketSeconds * 1000;
const LATENESS_MS = DEFAULT_DETECTION_CONFIG.allowedLatenessSeconds * 1000;
const START = Date.UTC(2025, 2, 3, 14, 0, 0);
const CHUNK = 10_000;
/** Events reach the detector a Kafka record at a time (the collector's default VIGIL_EVENTS_PER_RECORD): it observes each record's events together. */
const EVENTS_PER_RECORD = 200;

function clientIp(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** Events as the detector gets them: JSON.parse of a record, so keys are fresh flat strings, not slices. */
function decodedEvents(clients: readonly number[], time: (n: number) => number): ApiAccessEvent[] {
  const events = clients.map((client, n) => {
    const route = ROUTES[n % ROUTES.length] as (typeof ROUTES)[number];
    const ip = clientIp(client);
    return {
      v: 1, time: time(n), gateway: 'nginx', service: route.service,
      client: { ip, key: ip, userAgent: 'okhttp/4.12.0' },
      request: { method: route.method, path: route.route.replace('{id}', String(n % 977)), route: route.route, id: `r${client}-${n}` },
      response: { status: n % 97 === 0 ? 500 : 200, bytes: 1000 + (n % 5000), latencyMs: 20 + (n % 80) },
    };
  });
  return JSON.parse(JSON.stringify(events)) as ApiAccessEvent[];
}

/** JS heap and, separately, typed-array backing stores (outside heapUsed, but memory all the same). */
function memory(): { heap: number; arrayBuffers: number } {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, arrayBuffers: usage.arrayBuffers };
}

const before = memory();
const engine = new DetectionEngine({ ...DEFAULT_DETECTION_CONFIG, maxEntities: entities * 2 + 1000 });
for (let first = 0; first < entities; first += CHUNK) {
  const clients = Array.from({ length: Math.min(CHUNK, entities - first) }, (_, n) => first + n);
  for (const event of decodedEvents(clients, () => START)) engine.observe(event);
}
// Close bucket 0 and let it pass the allowed lateness, so only baselines (not open buckets) remain.
let bucketStart = START + BUCKET_MS;
engine.advanceTo(bucketStart + LATENESS_MS + BUCKET_MS);
bucketStart += Math.ceil((LATENESS_MS + BUCKET_MS) / BUCKET_MS) * BUCKET_MS;
const tracked = engine.stats().entities;
const after = memory();
const heapBytesPerEntity = (after.heap - before.heap) / tracked;
const arrayBufferBytesPerEntity = (after.arrayBuffers - before.arrayBuffers) / tracked;

// Scoring cost: each bucket gets `eventsPerBucket` events from clients drawn uniformly from all of them.
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
let totalMs = 0;
let scoredEvents = 0;
for (let b = 0; b <= measuredBuckets; b++) {
  const start = bucketStart;
  const clients = Array.from({ length: eventsPerBucket }, () => Math.floor(random() * entities));
  const events = decodedEvents(clients, (n) => start + Math.floor((n / eventsPerBucket) * BUCKET_MS));
  const records = Array.from({ length: Math.ceil(events.length / EVENTS_PER_RECORD) }, (_, r) => events.slice(r * EVENTS_PER_RECORD, (r + 1) * EVENTS_PER_RECORD));
  const t0 = processCpuMs();
  for (const record of records) engine.observeAll(record);
  engine.advanceTo(start + BUCKET_MS);
  const elapsed = processCpuMs() - t0;
  if (b > 0) {
    // The first bucket warms the JIT up.
    totalMs += elapsed;
    scoredEvents += events.length;
  }
  bucketStart += BUCKET_MS;
}

process.stdout.write(`${JSON.stringify({ entities: tracked, heapBytesPerEntity, arrayBufferBytesPerEntity, nsPerEvent: (totalMs * 1e6) / scoredEvents })}\n`);
