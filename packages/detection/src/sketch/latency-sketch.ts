// Mergeable latency quantile sketch: log-spaced bins with ~2% relative error (DDSketch-like).
// Plain data (JSON round-trips) so bucket aggregates can be checkpointed and repartitioned.

/**
 * bins: the bins in use as flat pairs sorted by bin index, [bin, count, bin, count, ...]; <= 1 ms
 * is bin 0. Most per-entity buckets hold a handful of requests, so few bins are in use; a flat
 * array of them costs tens of bytes, where an object keyed by bin index cost ~1.4 KB (V8 sizes
 * integer-keyed elements to the largest index, ~100 for 50 ms) and dominated garbage collection
 * when a million entities each opened a bucket.
 */
export interface LatencySketch {
  count: number;
  bins: number[];
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

/** Adds `count` to one bin, keeping the pairs sorted. */
function addToBin(bins: number[], bin: number, count: number): void {
  let i = 0;
  while (i < bins.length && (bins[i] as number) < bin) i += 2;
  if (bins[i] === bin) bins[i + 1] = (bins[i + 1] as number) + count;
  else bins.splice(i, 0, bin, count);
}

export function addLatency(sketch: LatencySketch, ms: number): void {
  if (!(ms >= 0)) return;
  sketch.count += 1;
  // Most buckets get one request: an exact-size array rather than one grown by splice.
  if (sketch.bins.length === 0) sketch.bins = [binOf(ms), 1];
  else addToBin(sketch.bins, binOf(ms), 1);
}

/** Makes the sketch hold exactly one sample (none unless ms >= 0), as addLatency on an empty one would, reusing its bins array. */
export function setSingleLatency(sketch: LatencySketch, ms: number): void {
  if (!(ms >= 0)) {
    sketch.count = 0;
    sketch.bins.length = 0;
    return;
  }
  sketch.count = 1;
  sketch.bins[0] = binOf(ms);
  sketch.bins[1] = 1;
  sketch.bins.length = 2;
}

/** Associative and commutative: merge(a, merge(b, c)) has the same bins as merge(merge(a, b), c). */
export function mergeLatency(a: LatencySketch, b: LatencySketch): LatencySketch {
  const bins = a.bins.slice();
  for (let i = 0; i < b.bins.length; i += 2) addToBin(bins, b.bins[i] as number, b.bins[i + 1] as number);
  return { count: a.count + b.count, bins };
}

/** The q-quantile (0..1) within the sketch's relative error; undefined when empty. */
export function latencyQuantile(sketch: LatencySketch, q: number): number | undefined {
  if (sketch.count === 0) return undefined;
  const rank = q * (sketch.count - 1);
  let seen = 0;
  let last = 0;
  for (let i = 0; i < sketch.bins.length; i += 2) {
    seen += sketch.bins[i + 1] as number;
    last = sketch.bins[i] as number;
    if (seen > rank) return valueOf(last);
  }
  return valueOf(last);
}
