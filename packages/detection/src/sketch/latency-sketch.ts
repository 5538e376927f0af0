// Mergeable latency quantile sketch: log-spaced bins with ~2% relative error (DDSketch-like).
// Plain data (JSON round-trips) so bucket aggregates can be checkpointed and repartitioned.

/** bins: [binIndex, count] pairs sorted by index; values <= 1 ms share bin 0. */
export interface LatencySketch {
  count: number;
  bins: Array<[number, number]>;
}

const GAMMA = 1.04;
const LOG_GAMMA = Math.log(GAMMA);

export function emptyLatencySketch(): LatencySketch {
  return { count: 0, bins: [] };
}

function binOf(ms: number): number {
  return ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** Representative value of a bin: the midpoint (in relative terms) of (γ^(i−1), γ^i]. */
function valueOf(bin: number): number {
  return bin === 0 ? 1 : (2 * Math.pow(GAMMA, bin)) / (GAMMA + 1);
}

function addToBin(bins: Array<[number, number]>, bin: number, count: number): void {
  let lo = 0;
  let hi = bins.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bins[mid] as [number, number])[0] < bin) lo = mid + 1;
    else hi = mid;
  }
  const at = bins[lo];
  if (at !== undefined && at[0] === bin) at[1] += count;
  else bins.splice(lo, 0, [bin, count]);
}

export function addLatency(sketch: LatencySketch, ms: number): void {
  if (!(ms >= 0)) return;
  sketch.count += 1;
  addToBin(sketch.bins, binOf(ms), 1);
}

/** Associative and commutative: merge(a, merge(b, c)) has the same bins as merge(merge(a, b), c). */
export function mergeLatency(a: LatencySketch, b: LatencySketch): LatencySketch {
  const out: LatencySketch = { count: a.count, bins: a.bins.map(([i, c]) => [i, c]) };
  for (const [bin, count] of b.bins) addToBin(out.bins, bin, count);
  out.count += b.count;
  return out;
}

/** The q-quantile (0..1) within the sketch's relative error; undefined when empty. */
export function latencyQuantile(sketch: LatencySketch, q: number): number | undefined {
  if (sketch.count === 0) return undefined;
  const rank = q * (sketch.count - 1);
  let seen = 0;
  for (const [bin, count] of sketch.bins) {
    seen += count;
    if (seen > rank) return valueOf(bin);
  }
  return valueOf((sketch.bins[sketch.bins.length - 1] as [number, number])[0]);
}
