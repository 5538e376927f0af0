import { trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { extractTraceContext, injectTraceHeaders } from './opentelemetry';
import { createTelemetry } from './telemetry';

describe('createTelemetry', () => {
  it('renders the pipeline metrics labelled by component, reason and stage', async () => {
    const telemetry = createTelemetry('collector');
    const pipeline = telemetry.pipeline('collector');
    pipeline.received(5);
    pipeline.sent(4, { sink: 'kafka' });
    pipeline.rejected(2, 'unparseable');
    pipeline.discarded(1, 'late');
    pipeline.error('publish');
    pipeline.error('publish');

    const text = await telemetry.renderPrometheus();
    expect(text).toContain('vigil_events_received_total{component="collector"} 5');
    expect(text).toContain('vigil_events_sent_total{sink="kafka",component="collector"} 4');
    expect(text).toContain('vigil_events_rejected_total{component="collector",reason="unparseable"} 2');
    expect(text).toContain('vigil_events_discarded_total{component="collector",reason="late"} 1');
    expect(text).toContain('vigil_errors_total{component="collector",stage="publish"} 2');
    expect(text).toContain('# TYPE vigil_events_received_total counter');
    expect(text).toContain('service_name="collector"');
  });

  it('does not let caller attributes overwrite the component label', async () => {
    const telemetry = createTelemetry('t');
    telemetry.pipeline('detector').received(1, { component: 'forged' });
    expect(await telemetry.renderPrometheus()).toContain('vigil_events_received_total{component="detector"} 1');
  });

  it('keeps separate instances apart', async () => {
    const first = createTelemetry('a');
    const second = createTelemetry('b');
    first.pipeline('collector').received(7);
    expect(await first.renderPrometheus()).toContain('vigil_events_received_total{component="collector"} 7');
    expect(await second.renderPrometheus()).not.toContain('vigil_events_received_total');
  });

  it('adds up counters requested twice under one name', async () => {
    const telemetry = createTelemetry('t');
    telemetry.counter('vigil_test_total', 'test').add(1);
    telemetry.counter('vigil_test_total', 'test').add(2);
    expect(await telemetry.renderPrometheus()).toContain('vigil_test_total 3');
  });

  it('renders gauges and histograms', async () => {
    const telemetry = createTelemetry('t');
    telemetry.gauge('vigil_entities', 'tracked entities').set(42, { kind: 'client' });
    telemetry.histogram('vigil_batch_size', 'events per record').record(200);
    const text = await telemetry.renderPrometheus();
    expect(text).toContain('vigil_entities{kind="client"} 42');
    expect(text).toContain('vigil_batch_size_count 1');
    expect(text).toContain('vigil_batch_size_sum 200');
  });

  it('never throws into the pipeline on bad input', () => {
    const telemetry = createTelemetry('t');
    const pipeline = telemetry.pipeline('collector');
    expect(() => {
      pipeline.received(Number.NaN);
      pipeline.sent(-1);
      telemetry.counter('not a valid name!', '').add(1);
      telemetry.histogram('vigil_h', 'h').record(Number.POSITIVE_INFINITY);
      pipeline.rejected(1, 'x', { weird: undefined as unknown as string });
    }).not.toThrow();
  });

  it('offers a tracer even when no tracing SDK is registered', () => {
    const span = createTelemetry('t').tracer.startSpan('work');
    expect(() => span.end()).not.toThrow();
  });
});

describe('trace headers', () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('carries a W3C trace context through headers unchanged', () => {
    const context = extractTraceContext({ traceparent, tracestate: 'vendor=1' });
    expect(trace.getSpanContext(context)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const headers: Record<string, string> = {};
    injectTraceHeaders(headers, context);
    expect(headers).toEqual({ traceparent, tracestate: 'vendor=1' });
  });

  it('writes nothing when there is no span and reads no span from malformed headers', () => {
    const headers: Record<string, string> = {};
    injectTraceHeaders(headers);
    expect(headers).toEqual({});
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 'garbage' }))).toBeUndefined();
  });
});
