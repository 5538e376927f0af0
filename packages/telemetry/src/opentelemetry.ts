// The one module that touches the OpenTelemetry SDK: a private MeterProvider per Telemetry
// instance read by a Prometheus exporter that never starts its own server (our HTTP server serves
// /metrics), a private TracerProvider when tracing is on (the API's no-op tracer when it is off),
// and the W3C trace context carried in Kafka headers. Nothing here is registered globally, so
// instances share nothing.
import { context, defaultTextMapGetter, defaultTextMapSetter, ProxyTracerProvider, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import type { Context, Meter, Tracer } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Attributes, Counter, Gauge, Histogram, Telemetry } from './api';

export type InstrumentFactory = Omit<Telemetry, 'pipeline'>;

export interface TracingOptions {
  /** Share of new traces recorded, 0..1. 0 turns tracing off: no SDK, no spans, headers pass through. */
  sampleRatio: number;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  otlpTracesUrl?: string | undefined;
  /** Also keeps every finished span in memory (tests). */
  recorder?: SpanRecorder | undefined;
  /** Told of every OTLP export that failed (the spans in it are dropped); see exportFailureLog. */
  onExportFailure?: ((failure: ExportFailure) => void) | undefined;
}

export interface ExportFailure {
  spans: number;
  error: string;
}

/** Passes everything to `inner` and reports exports that did not succeed. */
function reportingExporter(inner: SpanExporter, onFailure: (failure: ExportFailure) => void): SpanExporter {
  return {
    export: (spans, done) =>
      inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) onFailure({ spans: spans.length, error: result.error?.message ?? 'unknown error' });
        done(result);
      }),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/** A finished span as plain data, for tests and assertions. */
export interface RecordedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
  failed: boolean;
  serviceName: string;
}

export interface SpanRecorder {
  spans(): RecordedSpan[];
}

/** The exporter behind each recorder, without shutdown: one Telemetry stopping must not clear the others' spans. */
const recorderExporters = new WeakMap<SpanRecorder, SpanExporter>();

/** Keeps the spans of every Telemetry created with it in memory; several processes' worth can share one. */
export function createSpanRecorder(): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const recorder: SpanRecorder = {
    spans: () =>
      exporter.getFinishedSpans().map((span) => ({
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
        attributes: { ...span.attributes },
        failed: span.status.code === SpanStatusCode.ERROR,
        serviceName: String(span.resource.attributes['service.name'] ?? ''),
      })),
  };
  recorderExporters.set(recorder, {
    export: (spans, done) => exporter.export(spans, done),
    shutdown: async () => undefined,
  });
  return recorder;
}

/** How long stopping waits for the last spans: an unreachable trace endpoint must not hold up a SIGTERM. */
const SHUTDOWN_LIMIT_MS = 3000;
/** Per export attempt (the exporter retries within it), so a slow endpoint costs spans, not memory. */
const EXPORT_TIMEOUT_MS = 5000;

async function withinLimit(work: Promise<void>, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs).unref()));
  await Promise.race([work, limit]);
  clearTimeout(timer);
}

interface TracerHandle {
  tracer: Tracer;
  /** Exports what is still buffered, then stops; never rejects. */
  shutdown(): Promise<void>;
}

/**
 * Off (ratio 0): the API's no-op tracer, so spans cost nearly nothing and a started span carries
 * its parent's context unchanged. On: upstream sampling decisions are kept (parent based), new
 * traces are sampled by trace id, and finished spans are batched to OTLP and/or the recorder.
 */
function createTracer(serviceName: string, resource: Resource, options: TracingOptions | undefined): TracerHandle {
  if (options === undefined || !(options.sampleRatio > 0)) {
    // A provider with no delegate hands out the no-op tracer, whatever is registered globally.
    return { tracer: new ProxyTracerProvider().getTracer(serviceName), shutdown: async () => undefined };
  }
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpTracesUrl !== undefined) {
    const otlp = new OTLPTraceExporter({ url: options.otlpTracesUrl, timeoutMillis: EXPORT_TIMEOUT_MS });
    const onFailure = options.onExportFailure;
    spanProcessors.push(new BatchSpanProcessor(onFailure === undefined ? otlp : reportingExporter(otlp, onFailure)));
  }
  const recorded = options.recorder === undefined ? undefined : recorderExporters.get(options.recorder);
  if (recorded !== undefined) spanProcessors.push(new SimpleSpanProcessor(recorded));
  const provider = new BasicTracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(Math.min(1, options.sampleRatio)) }),
    spanProcessors,
  });
  return {
    tracer: provider.getTracer('vigil'),
    shutdown: () => withinLimit(provider.shutdown().catch(() => undefined), SHUTDOWN_LIMIT_MS),
  };
}

export function createOpenTelemetryInstruments(serviceName: string, tracing?: TracingOptions): InstrumentFactory {
  const resource = resourceFromAttributes({ 'service.name': serviceName });
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ resource, readers: [exporter] });
  const tracer = createTracer(serviceName, resource, tracing);
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
    tracer: tracer.tracer,
    shutdown: tracer.shutdown,
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
