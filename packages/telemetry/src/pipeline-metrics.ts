// The pipeline metrics every source, stage and sink reports, built on the counters of a Telemetry.
import type { Counter, PipelineMetrics } from './api';
import { PIPELINE_METRICS } from './metric-definitions';
import type { MetricDefinition } from './metric-definitions';

type CounterFactory = (name: string, description: string) => Counter;

export function createPipelineMetrics(counter: CounterFactory, component: string): PipelineMetrics {
  const counterFor = (definition: MetricDefinition): Counter => counter(definition.name, definition.description);
  const received = counterFor(PIPELINE_METRICS.received);
  const sent = counterFor(PIPELINE_METRICS.sent);
  const rejected = counterFor(PIPELINE_METRICS.rejected);
  const discarded = counterFor(PIPELINE_METRICS.discarded);
  const errors = counterFor(PIPELINE_METRICS.errors);

  // component and the closed-set label go last so caller attributes cannot overwrite them.
  return {
    received: (count, attributes) => received.add(count, { ...attributes, component }),
    sent: (count, attributes) => sent.add(count, { ...attributes, component }),
    rejected: (count, reason, attributes) => rejected.add(count, { ...attributes, component, reason }),
    discarded: (count, reason, attributes) => discarded.add(count, { ...attributes, component, reason }),
    error: (stage, attributes) => errors.add(1, { ...attributes, component, stage }),
  };
}
