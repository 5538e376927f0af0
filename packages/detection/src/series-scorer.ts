// The engine's baseline and score machinery on one plain series (what `vigil score` runs): each
// value is scored against the EW baseline of the values before it, then folded in, winsorized.
// Whole non-negative numbers are treated as counts (quasi-Poisson), anything else as a
// continuous measurement (z on the EW mean and deviation); both tails count, so drops score too.

import type { DetectionConfig } from './config';
import { countDropP, countSpikeP } from './maths/count-tests';
import { normalUpperTail } from './maths/tail-probability';
import { scoreFromPValue } from './maths/score';
import { alphaForHalfLife, countSd, robustStep, warmAlpha } from './ew-stats';

/** Relative floor of the deviation of a continuous series, so a flat series is not brittle. */
const MIN_RELATIVE_SD = 0.01;

export class SeriesScorer {
  private readonly alpha: number;
  private mean = 0;
  private variance = 0;
  private seen = 0;
  private countLike = true;

  constructor(private readonly config: Pick<DetectionConfig, 'baselineHalfLifeSeconds' | 'bucketSeconds' | 'warmupBuckets' | 'winsorSigma'>) {
    this.alpha = alphaForHalfLife(config.baselineHalfLifeSeconds / config.bucketSeconds);
  }

  /** Scores the next value (0 during warm-up) and learns from it. */
  next(value: number): number {
    this.countLike &&= value >= 0 && Number.isInteger(value);
    const warm = this.seen >= this.config.warmupBuckets;
    const score = warm ? this.score(value) : 0;
    const sd = this.countLike ? countSd(this.mean, this.variance) : this.continuousSd();
    [this.mean, this.variance] = robustStep(this.mean, this.variance, value, warmAlpha(this.alpha, this.seen), sd, warm ? this.config.winsorSigma : Infinity);
    this.seen++;
    return score;
  }

  private continuousSd(): number {
    return Math.max(Math.sqrt(this.variance), MIN_RELATIVE_SD * Math.abs(this.mean), Number.EPSILON);
  }

  private score(value: number): number {
    if (this.countLike) {
      const p = value >= this.mean ? countSpikeP(value, this.mean, this.variance) : countDropP(value, this.mean, this.variance);
      return scoreFromPValue(Math.min(1, 2 * p));
    }
    const z = Math.abs(value - this.mean) / this.continuousSd();
    return scoreFromPValue(Math.min(1, 2 * normalUpperTail(z)));
  }
}
