// Consumes events, keeps rolling baselines per entity, publishes anomalies.
export {};
