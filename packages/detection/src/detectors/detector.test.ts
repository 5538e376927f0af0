import { describe, expect, it } from 'vitest';
import { describeEntity, formatRatio } from './detector';
import { byteSize } from './egress-spike';
import { percentileLabel } from './latency-spike';

describe('figures in summaries', () => {
  it('gives a ratio, "new" against nothing, and no exponent past a thousandfold', () => {
    expect(formatRatio(1240, 85.5)).toBe('14.5×');
    expect(formatRatio(1, 5)).toBe('0.2×');
    expect(formatRatio(3, 0)).toBe('new');
    expect(formatRatio(999, 1)).toBe('999×');
    expect(formatRatio(54e6, 1.2e-25)).toBe('over 1000×');
  });

  it('gives byte counts in the unit that shows them', () => {
    expect([0, 0.4, 999, 1500, 12_345, 3_200_000, 54_000_000, 2.5e9].map(byteSize)).toEqual([
      '0 B', '0 B', '999 B', '1.5 KB', '12 KB', '3.2 MB', '54 MB', '2.5 GB',
    ]);
  });

  it('names a route by its service, and says how to name a service the logs do not', () => {
    expect(describeEntity({ kind: 'route', key: 'GET /a/{id}', service: 'shop' })).toBe('route GET /a/{id} (shop)');
    expect(describeEntity({ kind: 'route', key: 'GET /a/{id}', service: '-' })).toBe('route GET /a/{id}');
    expect(describeEntity({ kind: 'service', key: '-' })).toBe('service - (unnamed: set VIGIL_DEFAULT_SERVICE)');
    expect(describeEntity({ kind: 'service', key: 'shop' })).toBe('service shop');
  });

  it('labels a latency quantile as its percentile, p99.9 included', () => {
    expect([0.5, 0.95, 0.99, 0.999, 0.9999].map(percentileLabel)).toEqual(['p50', 'p95', 'p99', 'p99.9', 'p99.99']);
  });
});
