import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline';

describe('sparkline', () => {
  it('maps the lowest value to the shortest bar and the highest to the tallest', () => {
    expect(sparkline([0, 7, 14, 21, 28, 35, 42, 49])).toBe('▁▂▃▄▅▆▇█');
  });

  it('draws a flat series as the lowest bar', () => {
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
  });

  it('is empty for no values and shows non-finite values as a gap', () => {
    expect(sparkline([])).toBe('');
    expect(sparkline([1, Number.NaN, 2])).toBe('▁ █');
  });

  it('keeps only the most recent 60 points', () => {
    expect(Array.from(sparkline(Array.from({ length: 100 }, (_, i) => i)))).toHaveLength(60);
  });
});
