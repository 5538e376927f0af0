// The telemetry surface the rest of Vigil uses. Every source, stage and sink reports the same
// pipeline metrics (docs/metrics.md). Telemetry never throws into the pipeline.

export type Attributes = Record<string, string>;

export interface Counter {
  add(value: number, attributes?: Attributes): void;
}
export interface Gauge {
  set(value: number, attributes?: Attributes): void;
}
export interface Histogram {
  record(value: number, attributes?: Attributes): void;
}

/** The metrics every component reports, labelled by component (collector, detector, alerter) and stage. */
export interface PipelineMetrics {
  received(count: number, attributes?: Attributes): void;
  sent(count: number, attributes?: Attributes): void;
  rejected(count: number, reason: string, attributes?: Attributes): void;
  discarded(count: number, reason: string, attributes?: Attributes): void;
  error(stage: string, attributes?: Attributes): void;
}
