// Detector memory per tracked entity and scoring cost per event as the tracked population grows.
// Each size runs in its own child process (node --expose-gc) so heaps do not mix and gc() is there.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { interleavedMedians, medianNote, type BenchSuite } from '../../../bench/lib/harness';

interface ChildResult {
  entities: number;
  heapBytesPerEntity: number;
  arrayBufferBytesPerEntity: number;
  nsPerEvent: number;
}

const CHILD = join(import.meta.dirname, 'engine-memory-child.ts');

function runChild(entities: number, eventsPerBucket: number, buckets: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', CHILD, String(entities), String(eventsPerBucket), String(buckets)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`engine-memory-child ${entities} exited with ${code}`))));
  });
}

/**
 * Each size is measured this many times in a full run, the sizes interleaved (10k, 100k, 1M, 10k,
 * ...), and the median taken: a ratio of two single runs taken a minute apart moved by a third
 * between full runs. --quick measures each size once, as it does each Kafka figure: it checks that
 * every key is produced, and on a slow host three rounds took a third of its two minutes.
 */
const ROUNDS = 3;

function label(entities: number): string {
  return entities >= 1e6 ? `${entities / 1e6}M` : `${entities / 1e3}k`;
}

const suite: BenchSuite = {
  name: 'memory',
  order: 20,
  async run(ctx) {
    // --quick stops at 300k: building a million entities takes a while on a busy 2-core machine.
    const sizes = ctx.quick ? [10_000, 100_000, 300_000] : [10_000, 100_000, 1_000_000];
    const eventsPerBucket = ctx.quick ? 20_000 : 50_000;
    const buckets = ctx.quick ? 2 : 4;
    const rounds = ctx.quick ? 1 : ROUNDS;
    const smallest = label(sizes[0] as number);
    // Labels ("10k", "1M") as keys keep the sizes in order; numeric keys would too, but name nothing.
    const runs = await interleavedMedians(
      rounds,
      Object.fromEntries(sizes.map((entities) => [label(entities), () => runChild(entities, eventsPerBucket, buckets)])),
      (result) => result.nsPerEvent,
      ctx.log,
    );
    let first: ChildResult | undefined;
    let largest: ChildResult | undefined;
    for (const entities of sizes) {
      const name = label(entities);
      const { median: result, values } = runs[name] as { median: ChildResult; values: number[] };
      const bytes = result.heapBytesPerEntity + result.arrayBufferBytesPerEntity;
      ctx.record({ key: `memory.entities${name}.bytesPerEntity`, value: bytes, unit: 'B/entity', note: `heapUsed ${result.heapBytesPerEntity.toFixed(0)} + typed arrays ${result.arrayBufferBytesPerEntity.toFixed(0)}` });
      ctx.record({
        key: `memory.entities${name}.scoreNsPerEvent`,
        value: result.nsPerEvent,
        unit: 'ns CPU/event',
        ...(entities === sizes[0] ? {} : { baseline: { key: `memory.entities${smallest}.scoreNsPerEvent`, ratioKey: `memory.entities${name}.scoreCostRatioTo${smallest}` } }),
        note: medianNote(values, (ns) => ns.toFixed(0)),
      });
      first ??= result;
      largest = result;
    }
    if (first === undefined || largest === undefined) return;
    const bytes = largest.heapBytesPerEntity + largest.arrayBufferBytesPerEntity;
    ctx.record({
      key: 'memory.bytesPerEntity',
      value: bytes,
      unit: 'B/entity',
      ...(largest.entities >= 1e6 ? { target: { text: '<= 256 B at 1M', met: bytes <= 256 } } : {}),
      note: `at ${largest.entities} tracked entities (heap + typed-array stores, after global.gc())`,
    });
    ctx.record({
      key: 'memory.scoreNsPerEvent',
      value: largest.nsPerEvent,
      unit: 'ns CPU/event',
      baseline: { key: `memory.entities${smallest}.scoreNsPerEvent`, ratioKey: 'memory.scoreCostRatio' },
      ...(largest.entities >= 1e6 ? { target: { text: '<= 1.5x of 10k', met: largest.nsPerEvent <= 1.5 * first.nsPerEvent } } : {}),
      note: `${eventsPerBucket} events per ${buckets} buckets, clients drawn uniformly from all tracked entities; CPU time incl. GC; ${rounds > 1 ? `median of ${rounds} interleaved runs` : 'one run'} per size`,
    });
  },
};

export default suite;
