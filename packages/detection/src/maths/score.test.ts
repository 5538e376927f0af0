import { describe, expect, it } from 'vitest';
import { pValueFromScore, scoreFromPValue, severityOf } from './score';

describe('scoreFromPValue', () => {
  it('maps p to 1 − p^(1/10)', () => {
    expect(scoreFromPValue(1e-10)).toBeCloseTo(0.9, 12);
    expect(scoreFromPValue(1e-3)).toBeCloseTo(1 - Math.pow(10, -0.3), 12);
    expect(scoreFromPValue(1)).toBe(0);
    expect(scoreFromPValue(0)).toBe(1);
  });

  it('is inverted by pValueFromScore', () => {
    expect(pValueFromScore(scoreFromPValue(3.2e-8))).toBeCloseTo(3.2e-8, 15);
  });
});

describe('severityOf', () => {
  it('grades by the thresholds', () => {
    const t = { warningScore: 0.9, criticalScore: 0.97 };
    expect(severityOf(0.85, t)).toBe('info');
    expect(severityOf(0.9, t)).toBe('warning');
    expect(severityOf(0.99, t)).toBe('critical');
  });
});
