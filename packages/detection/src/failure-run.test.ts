import { describe, expect, it } from 'vitest';
import { extendFailureRun, type FailureRun } from './failure-run';

describe('extendFailureRun', () => {
  it('starts on a failing bucket, adds failing ones, and keeps the share from before it began', () => {
    let run = extendFailureRun(undefined, 1, 1, 0.1, 0.02, 60);
    run = extendFailureRun(run, 2, 3, 0.1, 0.5, 60);
    expect(run).toEqual({ failures: 3, requests: 4, buckets: 2, baselineShare: 0.02 });
  });

  it('is carried across buckets without requests, which count towards its span', () => {
    const run = extendFailureRun(extendFailureRun(undefined, 1, 1, 0.1, 0, 60), 0, 0, 0.1, 0, 60);
    expect(run).toEqual({ failures: 1, requests: 1, buckets: 2, baselineShare: 0 });
  });

  it('ends on a bucket whose share falls below the min ratio, or that has no failure', () => {
    const run = (): FailureRun | undefined => extendFailureRun(undefined, 5, 5, 0.1, 0, 60);
    expect(extendFailureRun(run(), 1, 20, 0.1, 0, 60)).toBeUndefined();
    expect(extendFailureRun(run(), 0, 1, 0.1, 0, 60)).toBeUndefined();
    expect(extendFailureRun(undefined, 1, 20, 0.1, 0, 60)).toBeUndefined();
  });

  it('weighs about the last cap buckets once it is longer', () => {
    let run: FailureRun | undefined;
    for (let b = 0; b < 100; b++) run = extendFailureRun(run, 2, 4, 0.1, 0, 10);
    expect(run?.buckets).toBe(10);
    expect(run?.failures).toBeCloseTo(20, 6);
    expect(run?.requests).toBeCloseTo(40, 6);
  });
});
