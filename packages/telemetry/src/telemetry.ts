// createTelemetry: one process's metrics and tracer, with the shared pipeline metrics on top.
import type { Telemetry } from './api';
import { createOpenTelemetryInstruments, type TracingOptions } from './opentelemetry';
import { createPipelineMetrics } from './pipeline-metrics';

export interface TelemetryOptions {
  /** Tracing settings (tracingSchema); tracing is off when absent. */
  tracing?: TracingOptions;
}

export function createTelemetry(serviceName: string, options: TelemetryOptions = {}): Telemetry {
  const instruments = createOpenTelemetryInstruments(serviceName, options.tracing);
  return {
    ...instruments,
    pipeline: (component) => createPipelineMetrics(instruments.counter, component),
  };
}
