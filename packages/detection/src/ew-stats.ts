// Exponentially weighted mean and variance, the building block of every baseline. Pure
// functions over (mean, variance) so the engine can keep them in typed-array columns.

/** Per-bucket weight for a half-life expressed in buckets: 1 − 2^(−1/h). */
export function alphaForHalfLife(halfLifeBuckets: number): number {
  return 1 - Math.pow(2, -1 / halfLifeBuckets);
}

/**
 * Weight of the n-th observation (n from 0): the plain running mean (1/(n+1)) while it is larger
 * than α, so a new entity's baseline converges in a few buckets instead of a few half-lives.
 */
export function warmAlpha(alpha: number, n: number): number {
  return Math.max(alpha, 1 / (n + 1));
}

/** One EW step: m' = m + a(x − m), v' = (1 − a)(v + a(x − m)²). Returns [mean, variance]. */
export function ewStep(mean: number, variance: number, x: number, a: number): [number, number] {
  const d = x - mean;
  return [mean + a * d, (1 - a) * (variance + a * d * d)];
}

/**
 * g steps of x = 0 in closed form, for an entity that was silent for g buckets:
 * m_g = βᵍ m and v_g = βᵍ (v + m²(1 − βᵍ)) with β = 1 − α.
 */
export function ewDecayZeros(mean: number, variance: number, alpha: number, gap: number): [number, number] {
  if (gap <= 0) return [mean, variance];
  return decayByFactor(mean, variance, Math.pow(1 - alpha, gap));
}

/** The same with the total decay factor f = βᵍ given (the engine blends it with warm-up). */
export function decayByFactor(mean: number, variance: number, f: number): [number, number] {
  return [f * mean, f * (variance + mean * mean * (1 - f))];
}

/**
 * Winsorizes an update: clamps x to mean ± k·sd, so a single outlier (the attack being caught)
 * moves the baseline by at most α·k·sd per bucket. Counts use sd ≥ √mean (Poisson) and ≥ 1.
 */
export function winsorize(x: number, mean: number, sd: number, k: number): number {
  const lo = mean - k * sd;
  const hi = mean + k * sd;
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * One EW step of a baseline that resists what it catches: a value beyond mean ± k·sd moves the mean
 * by a·k·sd towards it (winsorized) and leaves the variance as it was. Folding the clamped value's
 * (k·sd)² into the variance instead would multiply it by about (1 − a)(1 + a·k²) every bucket an
 * anomaly lasts (9 % a bucket at k = 3 and a one-hour half-life in 10 s buckets): the sd would
 * widen under a sustained outage or flood until its own score fell and the incident resolved while
 * still going on. k = Infinity: a plain EW step.
 */
export function robustStep(mean: number, variance: number, x: number, a: number, sd: number, k: number): [number, number] {
  const limit = k * sd;
  if (x > mean + limit) return [mean + a * limit, variance];
  if (x < mean - limit) return [mean - a * limit, variance];
  return ewStep(mean, variance, x, a);
}

export function countSd(mean: number, variance: number): number {
  return Math.sqrt(Math.max(variance, mean, 1));
}
