// The detector service: consumes events in a consumer group, keeps per-entity baselines (clients
// partition-local, other entities through repartition.v1), checkpoints them, publishes anomalies.
export { startDetector } from './start-detector';
export type { DetectorRuntimeOptions, RunningDetector } from './start-detector';
export { detectorServiceSchema } from './service-config';
