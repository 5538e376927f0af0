// egress-spike: a client or route sends out far more response bytes than usual (bulk export,
// data theft). A z-score on the EW mean and deviation of bytes per bucket, gated by min bytes.

import { zSpikeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { describeEntity, formatRatio, type Detector } from './detector';

/** The deviation is never taken below 10% of the mean, so a very regular entity is not brittle. */
const MIN_RELATIVE_SD = 0.1;

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes >= 1e7 ? 0 : 1)} MB`;
}

export const egressSpikeDetector: Detector = {
  name: 'egress-spike',
  kinds: ['client', 'route'],
  evaluate({ entity, bucket, baseline, settings }) {
    const observed = bucket.bytes;
    const expected = baseline.bytesMean;
    if (!baseline.warm || observed < settings.minCount || observed < settings.minRatio * expected) return undefined;
    const sd = Math.max(Math.sqrt(baseline.bytesVariance), MIN_RELATIVE_SD * expected, 1);
    return {
      signal: 'bytes',
      observed,
      expected,
      score: scoreFromPValue(zSpikeP(observed, expected, sd)),
      summary: `${describeEntity(entity)} received ${megabytes(observed)} of responses in one bucket, expected ${megabytes(expected)} (${formatRatio(observed, expected)})`,
      samples: 'all',
    };
  },
};
