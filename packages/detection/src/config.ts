// The engine's settings as one typed object, read from VIGIL_* variables by detectorSchema.

import { DETECTOR_NAMES, loadConfig, detectorSchema, type ConfigOf, type Env } from '@vigil/config';

export { DETECTOR_NAMES };
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export interface DetectorSettings {
  enabled: boolean;
  /** Score (0..1) at or above which the detector fires. */
  threshold: number;
  /** Minimum of the detector's count (requests, failures, bytes, ids) in a bucket. */
  minCount: number;
  /** Minimum of the detector's ratio (see docs/detection.md for each detector's meaning). */
  minRatio: number;
  cooldownSeconds: number;
  /** An incident fires only once the detector's buckets have been anomalous for more than this long. */
  forSeconds: number;
  /** An incident resolves only once its entity has been quiet this long (and resolveAfterBuckets buckets). */
  keepFiringSeconds: number;
}

export interface DetectionConfig {
  bucketSeconds: number;
  allowedLatenessSeconds: number;
  baselineHalfLifeSeconds: number;
  warmupBuckets: number;
  winsorSigma: number;
  seasonality: boolean;
  seasonalityHalfLifeDays: number;
  /** Consecutive hours a traffic spike must recur at the same minute before it is reported at info; 0 = off. */
  recurringBurstHours: number;
  resolveAfterBuckets: number;
  updateChangeRatio: number;
  warningScore: number;
  criticalScore: number;
  maxEntities: number;
  latencyQuantile: number;
  slowRampLongHalfLifeSeconds: number;
  slowRampShortHalfLifeSeconds: number;
  /** Requests per bucket per client; 0 = the rate-limit detector is off. */
  rateLimitPerClient: number;
  detectors: Record<DetectorName, DetectorSettings>;
}

type SchemaConfig = ConfigOf<typeof detectorSchema>;
type KnobPrefix = 'trafficSpike' | 'trafficDrop' | 'errorSurge' | 'authFailureSurge' | 'latencySpike' | 'egressSpike' | 'enumeration' | 'slowRamp';

function settings(c: SchemaConfig, prefix: KnobPrefix): DetectorSettings {
  return {
    enabled: c[`${prefix}Enabled`],
    threshold: c[`${prefix}Threshold`],
    minCount: c[`${prefix}MinCount`],
    minRatio: c[`${prefix}MinRatio`],
    cooldownSeconds: c[`${prefix}CooldownSeconds`],
    forSeconds: c[`${prefix}ForSeconds`],
    keepFiringSeconds: c[`${prefix}KeepFiringSeconds`],
  };
}

/** Builds the engine config from an already validated detector config. */
export function detectionConfigFrom(c: SchemaConfig): DetectionConfig {
  return {
    bucketSeconds: c.bucketSeconds,
    allowedLatenessSeconds: c.allowedLatenessSeconds,
    baselineHalfLifeSeconds: c.baselineHalfLifeSeconds,
    warmupBuckets: c.warmupBuckets,
    winsorSigma: c.winsorSigma,
    seasonality: c.seasonality,
    seasonalityHalfLifeDays: c.seasonalityHalfLifeDays,
    recurringBurstHours: c.recurringBurstHours,
    resolveAfterBuckets: c.resolveAfterBuckets,
    updateChangeRatio: c.updateChangeRatio,
    warningScore: c.warningScore,
    criticalScore: c.criticalScore,
    maxEntities: c.maxEntities,
    latencyQuantile: c.latencyQuantile,
    slowRampLongHalfLifeSeconds: c.slowRampLongHalfLifeSeconds,
    slowRampShortHalfLifeSeconds: c.slowRampShortHalfLifeSeconds,
    rateLimitPerClient: c.rateLimitPerClient,
    detectors: {
      'traffic-spike': settings(c, 'trafficSpike'),
      'traffic-drop': settings(c, 'trafficDrop'),
      'error-surge': settings(c, 'errorSurge'),
      'auth-failure-surge': settings(c, 'authFailureSurge'),
      'latency-spike': settings(c, 'latencySpike'),
      'egress-spike': settings(c, 'egressSpike'),
      enumeration: settings(c, 'enumeration'),
      'slow-ramp': settings(c, 'slowRamp'),
      'rate-limit': {
        enabled: c.rateLimitPerClient > 0,
        threshold: 0,
        minCount: c.rateLimitPerClient,
        minRatio: 1,
        cooldownSeconds: c.rateLimitCooldownSeconds,
        forSeconds: 0,
        keepFiringSeconds: 0,
      },
    },
  };
}

/** Reads VIGIL_* detector variables; throws VIGIL_CONFIG_INVALID listing every bad one. */
export function detectionConfigFromEnv(env: Env): DetectionConfig {
  return detectionConfigFrom(loadConfig(detectorSchema, env));
}

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = detectionConfigFromEnv({});
