// Maps a tail probability to the 0..1 anomaly score every detector and `vigil score` share, and a
// score to a severity.

import type { Severity } from '@vigil/contract';

/**
 * score = 1 − p^(1/10): p = 0.5 → 0.07, 1e-3 → 0.50, 1e-7 → 0.80, 1e-10 → 0.90, 1e-13 → 0.95.
 * The tenth root spreads the p-values that matter at scale (one test per entity, signal and 10 s
 * bucket is millions a day, so only p far below 1e-6 is news) over a readable range.
 */
export function scoreFromPValue(p: number): number {
  if (!(p > 0)) return 1;
  if (p >= 1) return 0;
  return 1 - Math.exp(Math.log(p) / 10);
}

/** Inverse of scoreFromPValue, for documentation and tests. */
export function pValueFromScore(score: number): number {
  return Math.pow(1 - score, 10);
}

export interface SeverityThresholds {
  warningScore: number;
  criticalScore: number;
}

export function severityOf(score: number, thresholds: SeverityThresholds): Severity {
  if (score >= thresholds.criticalScore) return 'critical';
  if (score >= thresholds.warningScore) return 'warning';
  return 'info';
}
