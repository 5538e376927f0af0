// egress-spike: a client or route sends out far more response bytes than usual (bulk export,
// data theft). A z-score on the EW mean and deviation of bytes per bucket, gated by min bytes.

import { zSpikeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { describeEntity, formatRatio, type Detector } from './detector';

/** The deviation is never taken below 10% of the mean, so a very regular entity is not brittle. */
const MIN_RELATIVE_SD = 0.1;

const BYTE_UNITS: ReadonlyArray<[number, string]> = [
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'KB'],
];

/** "54 MB", "3.2 MB", "12 KB", "0 B": a small baseline reads as what it is, not "0.0 MB". */
export function byteSize(bytes: number): string {
  for (const [size, unit] of BYTE_UNITS) {
    if (bytes >= size) return `${(bytes / size).toFixed(bytes >= 10 * size ? 0 : 1)} ${unit}`;
  }
  return `${Math.round(bytes)} B`;
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
      summary: `${describeEntity(entity)} ${entity.kind === 'client' ? 'received' : 'sent'} ${byteSize(observed)} of responses in one bucket, expected ${byteSize(expected)} (${formatRatio(observed, expected)})`,
      samples: 'all',
    };
  },
};
