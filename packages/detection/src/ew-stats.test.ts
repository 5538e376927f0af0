import { describe, expect, it } from 'vitest';
import { alphaForHalfLife, ewDecayZeros, ewStep, robustStep, warmAlpha, winsorize } from './ew-stats';

describe('EW statistics', () => {
  it('halves the weight of an observation after one half-life', () => {
    const alpha = alphaForHalfLife(10);
    expect(Math.pow(1 - alpha, 10)).toBeCloseTo(0.5, 12);
  });

  it('steps mean and variance by hand: m=10, v=4, x=20, a=0.5 → m=15, v=0.5·(4+0.5·100)=27', () => {
    expect(ewStep(10, 4, 20, 0.5)).toEqual([15, 27]);
  });

  it('decays a silent gap in closed form, the same as stepping zeros one by one', () => {
    const alpha = 0.1;
    let [m, v] = [12, 30];
    for (let i = 0; i < 7; i++) [m, v] = ewStep(m, v, 0, alpha);
    const [cm, cv] = ewDecayZeros(12, 30, alpha, 7);
    expect(cm).toBeCloseTo(m, 10);
    expect(cv).toBeCloseTo(v, 10);
  });

  it('uses the running mean while warming up', () => {
    expect(warmAlpha(0.01, 0)).toBe(1);
    expect(warmAlpha(0.01, 3)).toBe(0.25);
    expect(warmAlpha(0.01, 1000)).toBe(0.01);
  });

  it('clamps outliers to mean ± k·sd', () => {
    expect(winsorize(500, 100, 10, 3)).toBe(130);
    expect(winsorize(0, 100, 10, 3)).toBe(70);
    expect(winsorize(105, 100, 10, 3)).toBe(105);
  });
});

describe('robustStep', () => {
  it('moves the mean by at most a·k·sd and keeps the variance under an outlier, however long it lasts', () => {
    let [m, v] = [100, 100];
    for (let i = 0; i < 500; i++) [m, v] = robustStep(m, v, 1000, 0.01, Math.sqrt(v), 3);
    expect(v).toBe(100);
    expect(m).toBeCloseTo(100 + 500 * 0.01 * 3 * 10, 6);
  });

  it('is a plain EW step within k·sd, and with k = Infinity', () => {
    expect(robustStep(100, 100, 120, 0.1, 10, 3)).toEqual(ewStep(100, 100, 120, 0.1));
    expect(robustStep(100, 100, 5000, 0.1, 10, Infinity)).toEqual(ewStep(100, 100, 5000, 0.1));
  });
});
