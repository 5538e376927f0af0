import { describe, expect, it } from 'vitest';
import { SourceWatermarks } from './source-watermarks';

const SETTINGS = { allowanceMs: 2000, idleMs: 30_000 };

describe('SourceWatermarks', () => {
  it('trails the newest event time of the partition by the allowance', () => {
    const marks = new SourceWatermarks(SETTINGS, 0);
    marks.assign(0, undefined, 0);
    expect(marks.watermarkOf(0, 0)).toBeUndefined();
    marks.arrived(0, 100_000, 10);
    marks.arrived(0, 90_000, 20);
    expect(marks.watermarkOf(0, 20)).toBe(98_000);
  });

  it('moves a partition silent for the idle timeout up to the newest partition while others keep talking', () => {
    const marks = new SourceWatermarks(SETTINGS, 0);
    marks.assign(0, 50_000, 0);
    marks.assign(1, undefined, 0);
    marks.arrived(0, 100_000, 29_000);
    expect(marks.watermarkOf(1, 29_999)).toBeUndefined();
    expect(marks.watermarkOf(1, 30_000)).toBe(98_000);
    expect(marks.watermarkOf(0, 30_000)).toBe(98_000);
  });

  it('after a total silence, gives every partition the idle timeout from the first record before it follows the others', () => {
    const marks = new SourceWatermarks(SETTINGS, 0);
    marks.assign(0, 40_000, 0);
    marks.assign(1, 40_000, 0);
    // Nothing for 100 s, then one body's records: partition 0's first, partition 1's a moment later.
    marks.arrived(0, 120_000, 100_000);
    expect(marks.watermarkOf(1, 100_050)).toBe(38_000);
    marks.arrived(1, 119_000, 100_100);
    expect(marks.watermarkOf(1, 100_100)).toBe(117_000);
    // A partition that stays silent once the others talk again follows them after the timeout.
    marks.assign(2, undefined, 0);
    expect(marks.watermarkOf(2, 129_999)).toBeUndefined();
    expect(marks.watermarkOf(2, 130_000)).toBe(118_000);
  });

  it('advances with the wall clock once nothing at all arrived for the idle timeout', () => {
    const marks = new SourceWatermarks(SETTINGS, 0);
    marks.assign(0, undefined, 0);
    marks.arrived(0, 100_000, 5_000);
    expect(marks.watermarkOf(0, 34_999)).toBe(98_000);
    expect(marks.watermarkOf(0, 35_000)).toBe(128_000);
    expect(marks.watermarkOf(0, 95_000)).toBe(188_000);
  });

  it('keeps the newest event time of a checkpoint across a restart', () => {
    const marks = new SourceWatermarks(SETTINGS, 0);
    marks.assign(3, 70_000, 0);
    expect(marks.watermarkOf(3, 1)).toBe(68_000);
    expect(marks.maxEventTime(3)).toBe(70_000);
  });
});
