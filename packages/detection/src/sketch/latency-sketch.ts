// Mergeable latency quantile sketch: log-spaced bins with ~2% relative error (DDSketch-like).
// Plain data (JSON round-trips) so bucket aggregates can be checkpointed and repartitioned.

/** bins: count per bin index (integer keys, so V8 keeps them as fast elements); <= 1 ms is bin 0. */
export interface LatencySketch {
  count: number;
  bins: Record<number, number>;
}

const GAMMA = 1.04;
const LOG_GAMMA = Math.log(GAMMA);

export function emptyLatencySketch(): LatencySketch {
  return { count: 0, bins: {} };
}

function binOf(ms: number): number {
  return ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** Representative value of a bin: the midpoint (in relative terms) of (γ^(i−1), γ^i]. */
function valueOf(bin: number): number {
  return bin === 0 ? 1 : (2 * Math.pow(GAMMA, bin)) / (GAMMA + 1);
}

export function addLatency(sketch: LatencySketch, ms: number): void {
  if (!(ms >= 0)) return;
  sketch.count += 1;
  const bin = binOf(ms);
  sketch.bins[bin] = (sketch.bins[bin] ?? 0) + 1;
}

/** Associative and commutative: merge(a, merge(b, c)) has the same bins as merge(merge(a, b), c). */
export function mergeLatency(a: LatencySketch, b: LatencySketch): LatencySketch {
  const bins: Record<number, number> = { ...a.bins };
  for (const [bin, count] of Object.entries(b.bins)) bins[Number(bin)] = (bins[Number(bin)] ?? 0) + count;
  return { count: a.count + b.count, bins };
}

/** The q-quantile (0..1) within the sketch's relative error; undefined when empty. */
export function latencyQuantile(sketch: LatencySketch, q: number): number | undefined {
  if (sketch.count === 0) return undefined;
  const rank = q * (sketch.count - 1);
  // Integer keys enumerate in ascending order.
  let seen = 0;
  let last = 0;
  for (const [bin, count] of Object.entries(sketch.bins)) {
    seen += count;
    last = Number(bin);
    if (seen > rank) return valueOf(last);
  }
  return valueOf(last);
}
