// Pure detection maths: event-time buckets, sketches, baselines, scores, detectors. No I/O, no clock.

export { DetectionEngine } from './engine';
export type { EngineState, EngineStats } from './engine';
export { DEFAULT_DETECTION_CONFIG, DETECTOR_NAMES, detectionConfigFrom, detectionConfigFromEnv } from './config';
export type { DetectionConfig, DetectorName, DetectorSettings } from './config';
export { addEventToBucket, aggregateBucket, emptyBucket, mergeBucket, routeKey } from './bucket';
export type { BucketAggregate } from './bucket';
export { entitiesOf, partialAggregates } from './entity-refs';
export type { PartialAggregate } from './entity-refs';
export type { EntityRef } from './detectors/detector';
export { scoreFromPValue, pValueFromScore, severityOf } from './maths/score';
export { SeriesScorer } from './series-scorer';
export { ATTACK_KINDS, ROUTES, makeClients, simulateTraffic } from './simulator/index';
export type { Attack, AttackKind, RouteProfile, SimulatedClient, SimulationOptions } from './simulator/index';
