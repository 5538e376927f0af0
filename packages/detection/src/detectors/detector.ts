// What a detector is: a pure function from one entity's closed bucket and its baseline (as it was
// before this bucket) to a finding, or nothing when its gates (warm-up, min count, min ratio) hold.

import { serviceLabel, UNNAMED_SERVICE, type EntityKind, type Severity } from '@vigil/contract';
import type { BucketAggregate } from '../bucket';
import type { DetectionConfig, DetectorName, DetectorSettings } from '../config';
import type { FailureRun } from '../failure-run';

export interface EntityRef {
  kind: EntityKind;
  /** Client key, IP, "METHOD /route/{id}" or service name. */
  key: string;
  /** The service a route belongs to. */
  service?: string;
}

/** The baseline of one entity before the bucket being scored (a view, reused between calls). */
export interface BaselineView {
  /** Buckets since the entity was first seen. */
  trackedBuckets: number;
  warm: boolean;
  /** Expected requests: the EW mean, or the hour-of-day profile when seasonality is on and learned. */
  expectedRequests: number;
  requestVariance: number;
  /** EW means of 5xx and 401/403 counts; divided by expectedRequests they give baseline ratios. */
  errorMean: number;
  authFailureMean: number;
  requestMean: number;
  bytesMean: number;
  bytesVariance: number;
  objectIdsMean: number;
  objectIdsVariance: number;
  /** EW mean and variance of ln(latency percentile), and how many buckets fed them. */
  latencyLogMean: number;
  latencyLogVariance: number;
  latencyBuckets: number;
  /** Slow-ramp levels: long and short EW means of requests. */
  rampLong: number;
  rampShort: number;
  /** Routes and services: the runs of failing buckets (5xx, 401/403) just before this bucket, if any. */
  errorRun: FailureRun | undefined;
  authRun: FailureRun | undefined;
}

export interface DetectorInput {
  entity: EntityRef;
  bucket: BucketAggregate;
  baseline: BaselineView;
  config: DetectionConfig;
  settings: DetectorSettings;
}

export interface Finding {
  signal: string;
  observed: number;
  expected: number;
  /** 0..1, see scoreFromPValue. */
  score: number;
  /** One readable sentence. */
  summary: string;
  /** Which request ids are evidence: any request, 5xx responses, or auth failures. */
  samples: 'all' | 'errors' | 'auth';
  /** Set by the engine for an expected recurrence (see burst-recurrence.ts): the severity, whatever the score. */
  severity?: Severity;
}

export interface Detector {
  readonly name: DetectorName;
  readonly kinds: readonly EntityKind[];
  /** A detector that reports the same change sooner: while it has an incident open on the entity, this one is not evaluated there. */
  readonly defersTo?: DetectorName;
  evaluate(input: DetectorInput): Finding | undefined;
}

/** "client acme", "route GET /users/{id} (shop)". */
export function describeEntity(entity: EntityRef): string {
  if (entity.kind === 'service') return `service ${serviceLabel(entity.key)}`;
  return entity.kind === 'route' && entity.service !== undefined && entity.service !== UNNAMED_SERVICE
    ? `route ${entity.key} (${entity.service})`
    : `${entity.kind} ${entity.key}`;
}

export function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Math.round(value * 10) / 10);
}

/**
 * "12×" or "0.2×". Past a thousandfold the figure says nothing more: the baseline was next to
 * nothing (a long-silent entity's decays towards 0, which once printed 4.45e+32×).
 */
export function formatRatio(observed: number, expected: number): string {
  if (expected <= 0) return 'new';
  const ratio = observed / expected;
  return ratio >= 1000 ? 'over 1000×' : `${formatNumber(ratio)}×`;
}
