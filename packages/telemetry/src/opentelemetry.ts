// The one module that touches the OpenTelemetry SDK: a private MeterProvider per Telemetry
// instance read by a Prometheus exporter that never starts its own server (our HTTP server serves
// /metrics), a tracer from the global API (no-op until an SDK is registered), and the W3C trace
// context carried in Kafka headers. Nothing here is registered globally, so instances share nothing.
import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Context, Meter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Attributes, Counter, Gauge, Histogram, Telemetry } from './api';

export type InstrumentFactory = Omit<Telemetry, 'pipeline'>;

export function createOpenTelemetryInstruments(serviceName: string): InstrumentFactory {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [exporter],
  });
  const meter = provider.getMeter('vigil');
  // Scope labels would repeat otel_scope_name="vigil" on every series; target_info keeps service.name.
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  const instruments = new Map<string, Counter | Gauge | Histogram>();

  function cached<T extends Counter | Gauge | Histogram>(name: string, create: (meter: Meter) => T): T {
    const existing = instruments.get(name);
    if (existing) return existing as T;
    const created = create(meter);
    instruments.set(name, created);
    return created;
  }

  return {
    counter: (name, description) =>
      cached(name, (m) => {
        const counter = m.createCounter(name, { description });
        return { add: neverThrows((value: number, attributes?: Attributes) => counter.add(value, attributes)) };
      }),
    gauge: (name, description) =>
      cached(name, (m) => {
        const gauge = m.createGauge(name, { description });
        return { set: neverThrows((value: number, attributes?: Attributes) => gauge.record(value, attributes)) };
      }),
    histogram: (name, description, unit) =>
      cached(name, (m) => {
        const histogram = m.createHistogram(name, unit === undefined ? { description } : { description, unit });
        return { record: neverThrows((value: number, attributes?: Attributes) => histogram.record(value, attributes)) };
      }),
    async renderPrometheus() {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
    tracer: trace.getTracer(serviceName),
  };
}

/** Recording a metric must never break the event it describes, so failures are swallowed. */
function neverThrows<A extends unknown[]>(record: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      record(...args);
    } catch {
      // A lost data point is preferable to a lost event.
    }
  };
}

const traceContextPropagator = new W3CTraceContextPropagator();

/** Writes `traceparent` (and `tracestate`) for the given context, by default the active one, into headers. */
export function injectTraceHeaders(headers: Record<string, string>, from: Context = context.active()): void {
  traceContextPropagator.inject(from, headers, defaultTextMapSetter);
}

/** The context carried by `traceparent`/`tracestate` headers; the root context when they are absent or malformed. */
export function extractTraceContext(headers: Record<string, string>): Context {
  return traceContextPropagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}
