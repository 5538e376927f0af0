// The shape every benchmark suite shares: a suite measures figures, each with the baseline it is
// compared to (measured in the same run on the same bytes or payloads), and the runner prints them
// as one table and writes bench/results/latest.json.

import type { LocalBroker } from '../../tools/kafka/broker';

export interface Figure {
  /** Key in latest.json, e.g. `parse.nginx.linesPerSec`. */
  key: string;
  value: number;
  unit: string;
  /** The same-run figure this one is compared to; the ratio value / baseline is stored under ratioKey. */
  baseline?: { key: string; ratioKey: string };
  /** What the issue asks of this figure (e.g. `>= 600k/s`) and whether this run met it. */
  target?: { text: string; met: boolean };
  note?: string;
}

export interface BenchContext {
  /** `--quick`: smaller inputs and shorter runs, the same keys. */
  quick: boolean;
  /** A Kafka broker for the whole run: KAFKA_BROKERS, or a local one started on first use. */
  brokers(): Promise<string[]>;
  record(figure: Figure): void;
  /** A progress line on stderr (stdout holds only the table). */
  log(message: string): void;
}

export interface BenchSuite {
  name: string;
  /** Suites run in ascending order: CPU-only suites before the broker starts competing for the cores. */
  order: number;
  run(ctx: BenchContext): Promise<void>;
}

/** A started broker the runner stops at the end; undefined when KAFKA_BROKERS was given. */
export type BrokerHandle = Pick<LocalBroker, 'brokers' | 'stop'>;

/**
 * Events sent through a Kafka suite (and consumed) before its clock starts, so every figure is a
 * sustained rate and the baselines warm up exactly as much as Vigil: on a fresh process the first
 * tens of thousands of events run through cold JIT code (the collector alone measured 63k events/s
 * on its first 100k lines and 124-144k/s on the next ones here).
 */
export const WARM_UP_EVENTS = 25_000;

/** Interleaved runs of each Kafka measurement in a full run (see interleavedMedians); --quick runs each once. */
export const KAFKA_ROUNDS = 3;

/**
 * Runs every measurement `rounds` times, interleaved (a, b, c, a, b, c, ...), and returns each one's
 * median by `value`, with all the values it came from. The host's speed shifts over a run (the same
 * pipeline measured 71k and 124k events/s minutes apart), so one sample each, taken a minute
 * apart, can make a ratio say anything; interleaving gives baseline and subject the same conditions.
 */
export async function interleavedMedians<K extends string, T>(
  rounds: number,
  measurements: Record<K, () => Promise<T>>,
  value: (result: T) => number,
  log: (message: string) => void,
): Promise<Record<K, { median: T; values: number[] }>> {
  const keys = Object.keys(measurements) as K[];
  const results = new Map<K, T[]>(keys.map((key) => [key, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const key of keys) {
      if (rounds > 1) log(`${key}: round ${round} of ${rounds}`);
      results.get(key)?.push(await measurements[key]());
    }
  }
  const out = {} as Record<K, { median: T; values: number[] }>;
  for (const key of keys) {
    const all = [...(results.get(key) ?? [])].sort((a, b) => value(a) - value(b));
    out[key] = { median: all[Math.floor(all.length / 2)] as T, values: (results.get(key) ?? []).map(value) };
  }
  return out;
}

const thousands = (value: number): string => `${(value / 1000).toFixed(1)}k`;

/** "median of 3 runs: 88.1k, 93.6k, 101.2k", or "" for a single run. */
export function medianNote(values: readonly number[], format: (value: number) => string = thousands): string {
  return values.length > 1 ? `median of ${values.length} runs: ${values.map(format).join(', ')}` : '';
}

/** A figure's note with its median note appended (when there was more than one run). */
export function noteWithMedian(note: string, values: readonly number[]): string {
  const median = medianNote(values);
  return median === '' ? note : `${note}; ${median}`;
}

/** This process's CPU time (user + system) in ms: on a shared machine, wall time would count other processes too. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface Rate {
  perSecond: number;
  /** Milliseconds per round, sorted, for the spread. */
  roundsMs: number[];
}

/**
 * Runs `round` (which processes `unitsPerRound` units) once to warm up, then repeatedly until
 * `minMs` has passed and at least three rounds ran; reports the median round. The median, not the
 * best, so a figure is what a busy 2-core machine sustains rather than its luckiest moment.
 */
export function measureRate(unitsPerRound: number, minMs: number, round: () => void): Rate {
  return measureRates(unitsPerRound, minMs, { round }).round;
}

/**
 * measureRate for several rounds over the same units, taken in turn (a, b, a, b, ...) for `minMs`
 * each, so a figure and its baseline see the same phases of the host's shifting speed: measured
 * one after the other, a ratio of two medians moved by a tenth between runs of the same code.
 */
export function measureRates<K extends string>(unitsPerRound: number, minMs: number, rounds: Record<K, () => void>): Record<K, Rate> {
  const keys = Object.keys(rounds) as K[];
  const roundsMs = new Map<K, number[]>(keys.map((key) => [key, []]));
  for (const key of keys) rounds[key]();
  const started = performance.now();
  let taken = 0;
  while (taken < 3 || performance.now() - started < minMs * keys.length) {
    for (const key of keys) {
      const t0 = performance.now();
      rounds[key]();
      roundsMs.get(key)?.push(performance.now() - t0);
    }
    taken++;
  }
  const rates = {} as Record<K, Rate>;
  for (const key of keys) {
    const sorted = (roundsMs.get(key) as number[]).sort((a, b) => a - b);
    rates[key] = { perSecond: (unitsPerRound * 1000) / (sorted[Math.floor(sorted.length / 2)] as number), roundsMs: sorted };
  }
  return rates;
}

export function percentile(sortedValues: readonly number[], p: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const index = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil((p / 100) * sortedValues.length) - 1));
  return sortedValues[index] as number;
}

/** Resolves when `condition` holds, polling every `intervalMs`; rejects with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
