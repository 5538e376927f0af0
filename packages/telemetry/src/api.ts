// The telemetry surface the rest of Vigil uses. Every source, stage and sink reports the same
// pipeline metrics (docs/metrics.md). Telemetry never throws into the pipeline.
import type { Tracer } from '@opentelemetry/api';

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

/** One process's metrics and tracer. Instances share no state, so tests may create many. */
export interface Telemetry {
  /** The shared pipeline metrics, every series labelled component=<component>. */
  pipeline(component: string): PipelineMetrics;
  counter(name: string, description: string): Counter;
  gauge(name: string, description: string): Gauge;
  histogram(name: string, description: string, unit?: string): Histogram;
  /** Every metric of this instance in the Prometheus text exposition format. */
  renderPrometheus(): Promise<string>;
  /** Starts spans; a no-op tracer unless tracing is on (see createTelemetry). */
  readonly tracer: Tracer;
  /** Exports spans still buffered; call once when the process stops. Never rejects. */
  shutdown(): Promise<void>;
}
