import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG } from './config';
import { SeriesScorer } from './series-scorer';

describe('SeriesScorer', () => {
  it('scores noise low and a 4x jump of a count series high', () => {
    const scorer = new SeriesScorer(DEFAULT_DETECTION_CONFIG);
    const scores = [];
    for (let i = 0; i < 100; i++) scores.push(scorer.next(100 + ((i * 37) % 21) - 10));
    expect(Math.max(...scores)).toBeLessThan(0.5);
    expect(scorer.next(400)).toBeGreaterThan(0.95);
  });

  it('scores 1 → 4 on a small count series as unremarkable', () => {
    const scorer = new SeriesScorer(DEFAULT_DETECTION_CONFIG);
    for (let i = 0; i < 60; i++) scorer.next(i % 2);
    expect(scorer.next(4)).toBeLessThan(0.6);
  });

  it('scores a drop in a continuous series', () => {
    const scorer = new SeriesScorer(DEFAULT_DETECTION_CONFIG);
    for (let i = 0; i < 60; i++) scorer.next(50 + Math.sin(i) * 2.5);
    expect(scorer.next(5)).toBeGreaterThan(0.9);
  });

  it('stays at 0 during warm-up', () => {
    const scorer = new SeriesScorer(DEFAULT_DETECTION_CONFIG);
    expect(scorer.next(1)).toBe(0);
    expect(scorer.next(1000)).toBe(0);
  });
});
