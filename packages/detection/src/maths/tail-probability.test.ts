import { describe, expect, it } from 'vitest';
import { binomialUpperTail, normalUpperTail, poissonLowerTail, poissonUpperTail, regularizedBeta } from './tail-probability';

/** Reference: sums the Poisson pmf term by term in log space. */
function poissonUpperBySum(k: number, lambda: number): number {
  let logTerm = -lambda; // log P(X = 0)
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += Math.exp(logTerm);
    logTerm += Math.log(lambda) - Math.log(i + 1);
  }
  let above = 0;
  for (let i = k; i < k + 2000; i++) {
    above += Math.exp(logTerm);
    logTerm += Math.log(lambda) - Math.log(i + 1);
  }
  return below > 0.5 ? above : 1 - below;
}

describe('poisson tails', () => {
  it('rates 1 → 4 requests as unremarkable: P(X >= 4 | 1) = 1 − e⁻¹(1 + 1 + 1/2 + 1/6)', () => {
    expect(poissonUpperTail(4, 1)).toBeCloseTo(1 - Math.exp(-1) * (8 / 3), 10);
    expect(poissonUpperTail(4, 1)).toBeCloseTo(0.018988, 6);
  });

  it('rates 100 → 400 requests as overwhelming evidence', () => {
    const p = poissonUpperTail(400, 100);
    expect(p).toBeLessThan(1e-90);
    expect(Math.log(p)).toBeCloseTo(Math.log(poissonUpperBySum(400, 100)), 6);
  });

  it('matches term-by-term sums across the range', () => {
    for (const [k, lambda] of [[1, 0.5], [10, 10], [15, 10], [30, 12.5], [3, 40]] as const) {
      expect(poissonUpperTail(k, lambda)).toBeCloseTo(poissonUpperBySum(k, lambda), 9);
    }
  });

  it('computes the lower tail for drops: P(X <= 2 | 5) = e⁻⁵(1 + 5 + 12.5)', () => {
    expect(poissonLowerTail(2, 5)).toBeCloseTo(18.5 * Math.exp(-5), 10);
    expect(poissonLowerTail(0, 100)).toBeCloseTo(Math.exp(-100), 50);
  });

  it('treats the edges without NaN', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(2, 0)).toBe(0);
    expect(poissonLowerTail(-1, 3)).toBe(0);
  });
});

describe('binomial tail', () => {
  it('P(X >= 2 | n=3, p=0.5) = 4/8', () => {
    expect(binomialUpperTail(2, 3, 0.5)).toBeCloseTo(0.5, 12);
  });

  it('P(X >= 3 | n=10, p=0.1) = 1 − (0.9¹⁰ + 10·0.1·0.9⁹ + 45·0.01·0.9⁸)', () => {
    expect(binomialUpperTail(3, 10, 0.1)).toBeCloseTo(0.0701908264, 9);
  });

  it('P(X = n) = pⁿ at the top', () => {
    expect(binomialUpperTail(20, 20, 0.05)).toBeCloseTo(Math.pow(0.05, 20), 35);
  });

  it('regularized beta is symmetric: I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    expect(regularizedBeta(0.3, 2.5, 4)).toBeCloseTo(1 - regularizedBeta(0.7, 4, 2.5), 12);
  });
});

describe('normal tail', () => {
  it('matches the tables: Q(1.96) = 0.025, Q(3) = 0.00135, Q(0) = 0.5', () => {
    expect(normalUpperTail(1.96)).toBeCloseTo(0.0249979, 6);
    expect(normalUpperTail(3)).toBeCloseTo(0.0013499, 6);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(-3)).toBeCloseTo(1 - 0.0013499, 6);
  });
});
