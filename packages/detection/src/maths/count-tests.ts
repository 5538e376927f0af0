// The three tests every detector is built from, each returning a tail probability:
// quasi-Poisson for counts, binomial for ratios, z on a (robust) baseline for continuous values.

import { binomialUpperTail, normalUpperTail, poissonLowerTail, poissonUpperTail } from './tail-probability';

/** Expected counts below this are treated as this, so an entity that was silent is not infinitely surprising. */
const MIN_EXPECTED_COUNT = 0.5;

/**
 * Overdispersion of a count: variance / mean, at least 1. Real traffic is burstier than Poisson;
 * dividing both the observed and the expected count by it (quasi-Poisson) widens the test.
 */
function dispersion(mean: number, variance: number): number {
  return mean > 0 ? Math.max(1, variance / mean) : 1;
}

/** P(count >= observed) under a quasi-Poisson with the given mean and variance. */
export function countSpikeP(observed: number, expected: number, variance: number): number {
  const lambda = Math.max(expected, MIN_EXPECTED_COUNT);
  const phi = dispersion(lambda, variance);
  return poissonUpperTail(observed / phi, lambda / phi);
}

/** P(count <= observed) under a quasi-Poisson with the given mean and variance. */
export function countDropP(observed: number, expected: number, variance: number): number {
  const lambda = Math.max(expected, MIN_EXPECTED_COUNT);
  const phi = dispersion(lambda, variance);
  return poissonLowerTail(observed / phi, lambda / phi);
}

/** P(failures >= observed | requests, baseline ratio): is this share of failures unusual? */
export function ratioSurgeP(failures: number, requests: number, baselineRatio: number): number {
  return binomialUpperTail(failures, requests, baselineRatio);
}

/** One-sided z test of a value against a baseline mean and standard deviation (floored). */
export function zSpikeP(observed: number, mean: number, sd: number): number {
  return normalUpperTail((observed - mean) / sd);
}
