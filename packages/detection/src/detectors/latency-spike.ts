// latency-spike: a route's or service's latency percentile rises far above its baseline, judged
// by a z-score on the log scale (latency is multiplicative: 2× slower is the same news at 20 ms
// and at 2 s).

import { latencyQuantile } from '../sketch/latency-sketch';
import { zSpikeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { describeEntity, formatNumber, formatRatio, type Detector } from './detector';

/**
 * Log-scale standard deviation floor. A p95 estimated from ~20 requests wobbles by about 20% on
 * its own (the sampling error of a high quantile), whatever the baseline learned.
 */
const MIN_LOG_SD = 0.2;

export const latencySpikeDetector: Detector = {
  name: 'latency-spike',
  kinds: ['route', 'service'],
  evaluate({ entity, bucket, baseline, settings, config }) {
    if (bucket.latency.count < settings.minCount || baseline.latencyBuckets < config.warmupBuckets) return undefined;
    const observed = latencyQuantile(bucket.latency, config.latencyQuantile);
    if (observed === undefined) return undefined;
    const expected = Math.exp(baseline.latencyLogMean);
    if (observed < settings.minRatio * expected) return undefined;
    const sd = Math.max(Math.sqrt(baseline.latencyLogVariance), MIN_LOG_SD);
    const percentile = percentileLabel(config.latencyQuantile);
    return {
      signal: `latency_${percentile}_ms`,
      observed,
      expected,
      score: scoreFromPValue(zSpikeP(Math.log(observed), baseline.latencyLogMean, sd)),
      summary: `${describeEntity(entity)} ${percentile} latency ${formatNumber(observed)} ms, expected ${formatNumber(expected)} ms (${formatRatio(observed, expected)})`,
      samples: 'all',
    };
  },
};

/** `p95`, `p99.9`: the quantile as a percentile, without rounding 0.999 up to p100. */
export function percentileLabel(quantile: number): string {
  return `p${Number((quantile * 100).toFixed(4))}`;
}
