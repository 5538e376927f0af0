// createTelemetry: one process's metrics and tracer, with the shared pipeline metrics on top.
import type { Telemetry } from './api';
import { createOpenTelemetryInstruments } from './opentelemetry';
import { createPipelineMetrics } from './pipeline-metrics';

export function createTelemetry(serviceName: string): Telemetry {
  const instruments = createOpenTelemetryInstruments(serviceName);
  return {
    ...instruments,
    pipeline: (component) => createPipelineMetrics(instruments.counter, component),
  };
}
