// slow-ramp: traffic that climbs too gently for traffic-spike (each bucket a little above the
// last, so the short baseline keeps up) but ends far above where it was an hour ago. Compares a
// short EW level with a long, winsorized EW baseline; the short level is an average over about
// (2 − α)/α buckets, so it is tested as that many buckets' worth of requests.

import { countSpikeP } from '../maths/count-tests';
import { scoreFromPValue } from '../maths/score';
import { describeEntity, formatNumber, formatRatio, type Detector } from './detector';

export function ewAlpha(halfLifeSeconds: number, bucketSeconds: number): number {
  return 1 - Math.pow(2, -bucketSeconds / halfLifeSeconds);
}

export const slowRampDetector: Detector = {
  name: 'slow-ramp',
  kinds: ['client', 'route', 'service'],
  // A jump is traffic-spike's, with the bucket's real count; slow-ramp speaks for a level that
  // climbed too gently for it, or that stays up once traffic-spike's shorter baseline caught up.
  defersTo: 'traffic-spike',
  evaluate({ entity, bucket, baseline, settings, config }) {
    const longHalfLifeBuckets = config.slowRampLongHalfLifeSeconds / config.bucketSeconds;
    if (baseline.trackedBuckets < Math.max(config.warmupBuckets, longHalfLifeBuckets)) return undefined;
    const alpha = ewAlpha(config.slowRampShortHalfLifeSeconds, config.bucketSeconds);
    const level = baseline.rampShort + alpha * (bucket.requests - baseline.rampShort);
    const expected = baseline.rampLong;
    if (level < settings.minCount || level < settings.minRatio * expected) return undefined;
    // The level is smoothed: after a burst it stays up for a while as the bucket counts fall back.
    if (bucket.requests < settings.minRatio * expected) return undefined;
    // A bucket at traffic-spike's ratio above the 10-minute baseline is a jump, not a climb, even
    // on a service (which traffic-spike does not watch: a flood is reported on its routes and
    // clients). A level still up once that baseline has caught up is slow-ramp's again.
    if (bucket.requests >= config.detectors['traffic-spike'].minRatio * baseline.expectedRequests) return undefined;
    const window = (2 - alpha) / alpha;
    const variance = baseline.requestVariance * window;
    return {
      signal: 'requests',
      observed: level,
      expected,
      score: scoreFromPValue(countSpikeP(level * window, expected * window, variance)),
      // Present tense: the same summary goes out in the updates while the level comes back down.
      summary: `${describeEntity(entity)} is at ${formatNumber(level)} requests per bucket against a baseline of ${formatNumber(expected)} (${formatRatio(level, expected)}): a level that has stayed up, not a single spike`,
      samples: 'all',
    };
  },
};
