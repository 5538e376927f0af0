import { quantile } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { addDistinct, distinctCount, emptyDistinctCounter, mergeDistinct } from './distinct-counter';
import { addLatency, emptyLatencySketch, latencyQuantile, mergeLatency } from './latency-sketch';
import { addTopK, mergeTopK, topEntries } from './top-k';

describe('latency sketch', () => {
  it('answers quantiles within 4% of the exact value, also after a merge', () => {
    const values = Array.from({ length: 2000 }, (_, i) => 5 + ((i * 7919) % 1000) * 1.3);
    const [a, b] = [emptyLatencySketch(), emptyLatencySketch()];
    values.forEach((v, i) => addLatency(i % 2 === 0 ? a : b, v));
    const merged = mergeLatency(a, b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = quantile(values, q);
      expect(Math.abs((latencyQuantile(merged, q) as number) - exact) / exact).toBeLessThan(0.04);
    }
    expect(latencyQuantile(emptyLatencySketch(), 0.5)).toBeUndefined();
  });

  it('survives a JSON round trip', () => {
    const s = emptyLatencySketch();
    [3, 30, 300].forEach((v) => addLatency(s, v));
    expect(latencyQuantile(JSON.parse(JSON.stringify(s)), 0.5)).toBe(latencyQuantile(s, 0.5));
  });
});

describe('distinct counter', () => {
  it('is exact for small sets and within 15% for large ones, merged or not', () => {
    const small = emptyDistinctCounter();
    for (let i = 0; i < 50; i++) addDistinct(small, String(i % 40));
    expect(distinctCount(small)).toBe(40);
    const [a, b] = [emptyDistinctCounter(), emptyDistinctCounter()];
    for (let i = 0; i < 3000; i++) addDistinct(i < 2000 ? a : b, `user-${i}`);
    const merged = distinctCount(mergeDistinct(a, b));
    expect(Math.abs(merged - 3000) / 3000).toBeLessThan(0.15);
  });
});

describe('top-k', () => {
  it('keeps the heaviest keys and merges counts', () => {
    const x: Array<[string, number]> = [];
    const y: Array<[string, number]> = [];
    for (let i = 0; i < 100; i++) addTopK(x, i % 3 === 0 ? 'heavy' : `light-${i}`);
    addTopK(y, 'heavy', 10);
    expect(topEntries(mergeTopK(x, y), 1)).toEqual([{ key: 'heavy', count: 44 }]);
  });

  it('lets a newcomer take the smallest entry with its count, without touching a merged copy', () => {
    const top: Array<[string, number]> = [];
    for (let i = 0; i < 12; i++) addTopK(top, `k${i}`, i + 2);
    const copy = mergeTopK(top, []);
    addTopK(top, 'new');
    expect(top).toHaveLength(12);
    expect(topEntries(top, 12).find((e) => e.key === 'new')).toEqual({ key: 'new', count: 3 });
    expect(top.some(([key]) => key === 'k0')).toBe(false);
    expect(copy.find(([key]) => key === 'k0')).toEqual(['k0', 2]);
  });
});
