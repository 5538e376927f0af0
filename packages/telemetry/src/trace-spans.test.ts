import { loadConfig } from '@vigil/config';
import { describe, expect, it } from 'vitest';
import { createSpanRecorder, extractTraceContext } from './opentelemetry';
import { createTelemetry } from './telemetry';
import { InputTraces, startSpan, traceHeaders, traceIdOf } from './trace-spans';
import { tracingSchema } from './tracing-schema';

const SAMPLED = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const UNSAMPLED = '00-1bf7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00';

function tracedTelemetry(name: string, recorder = createSpanRecorder()) {
  return { recorder, telemetry: createTelemetry(name, { tracing: { sampleRatio: 1, recorder } }) };
}

describe('tracing off (the default)', () => {
  it('records no span, even with a recorder attached', () => {
    const recorder = createSpanRecorder();
    const telemetry = createTelemetry('off', { tracing: { sampleRatio: 0, recorder } });
    startSpan(telemetry.tracer, 'work', { parent: extractTraceContext({ traceparent: SAMPLED }) }).end();
    expect(recorder.spans()).toEqual([]);
  });

  it('passes an incoming traceparent through to the headers it writes', () => {
    const span = startSpan(createTelemetry('off').tracer, 'work', { parent: extractTraceContext({ traceparent: SAMPLED, tracestate: 'v=1' }) });
    expect(traceHeaders(span.context)).toEqual({ traceparent: SAMPLED, tracestate: 'v=1' });
  });

  it('writes no headers when nothing upstream was traced', () => {
    expect(traceHeaders(startSpan(createTelemetry('off').tracer, 'work').context)).toEqual({});
  });
});

describe('tracing on', () => {
  it('records a span per unit of work, with its attributes and service', () => {
    const { recorder, telemetry } = tracedTelemetry('vigil-collector');
    const span = startSpan(telemetry.tracer, 'collector.ingest', { kind: 'producer', attributes: { 'vigil.source': 'http' } });
    span.setAttributes({ 'vigil.events': 3 });
    span.end();
    expect(recorder.spans()).toEqual([
      expect.objectContaining({
        name: 'collector.ingest',
        parentSpanId: undefined,
        attributes: { 'vigil.source': 'http', 'vigil.events': 3 },
        failed: false,
        serviceName: 'vigil-collector',
      }),
    ]);
  });

  it('continues a trace across services through record headers', () => {
    const recorder = createSpanRecorder();
    const collector = tracedTelemetry('vigil-collector', recorder).telemetry;
    const alerter = tracedTelemetry('vigil-alerter', recorder).telemetry;
    const ingest = startSpan(collector.tracer, 'collector.ingest');
    const headers = traceHeaders(ingest.context);
    ingest.end();
    startSpan(alerter.tracer, 'alerter.notify', { parent: extractTraceContext(headers) }).end();

    const [first, second] = recorder.spans();
    expect(headers['traceparent']).toBe(`00-${first!.traceId}-${first!.spanId}-01`);
    expect(second).toMatchObject({ name: 'alerter.notify', traceId: first!.traceId, parentSpanId: first!.spanId, serviceName: 'vigil-alerter' });
  });

  it('keeps an upstream decision not to sample, while still propagating the trace', () => {
    const { recorder, telemetry } = tracedTelemetry('vigil-detector');
    const span = startSpan(telemetry.tracer, 'detector.score', { parent: extractTraceContext({ traceparent: UNSAMPLED }) });
    span.end();
    expect(recorder.spans()).toEqual([]);
    expect(traceHeaders(span.context)['traceparent']).toMatch(/^00-1bf7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
  });

  it('links the other inputs of a batch and marks a failed span', () => {
    const { recorder, telemetry } = tracedTelemetry('t');
    startSpan(telemetry.tracer, 'publish', { links: [extractTraceContext({ traceparent: SAMPLED }), extractTraceContext({})] }).end(new Error('broker down'));
    expect(recorder.spans()[0]).toMatchObject({
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }],
      failed: true,
    });
  });

  it('samples new traces by ratio: 0.0001 records almost none of a thousand', () => {
    const recorder = createSpanRecorder();
    const telemetry = createTelemetry('t', { tracing: { sampleRatio: 0.0001, recorder } });
    for (let i = 0; i < 1000; i++) startSpan(telemetry.tracer, 'work').end();
    expect(recorder.spans().length).toBeLessThan(20);
  });

  it('keeps the spans of a shared recorder when one process shuts down', async () => {
    const recorder = createSpanRecorder();
    const first = tracedTelemetry('a', recorder).telemetry;
    const second = tracedTelemetry('b', recorder).telemetry;
    startSpan(first.tracer, 'one').end();
    await first.shutdown();
    startSpan(second.tracer, 'two').end();
    expect(recorder.spans().map((span) => span.name)).toEqual(['one', 'two']);
  });
});

describe('InputTraces', () => {
  const record = (traceparent?: string): { headers: Record<string, string> } => ({ headers: traceparent === undefined ? {} : { traceparent } });

  it('continues the oldest sampled input and links the other distinct ones, then forgets them', () => {
    const inputs = new InputTraces();
    inputs.note([record(UNSAMPLED), record(SAMPLED), record(SAMPLED), record(), record(UNSAMPLED)]);
    const { parent, links } = inputs.take();
    expect(traceHeaders(parent!)).toEqual({ traceparent: SAMPLED });
    expect(links!.map((link) => traceHeaders(link))).toEqual([{ traceparent: UNSAMPLED }]);
    expect(inputs.take()).toEqual({});
  });

  it('keeps only the newest traces and hands the newest on', () => {
    const inputs = new InputTraces(2);
    const ids = ['01', '02', '03'].map((n) => `00-${n.repeat(16)}-b7ad6b7169203331-01`);
    inputs.note(ids.map((id) => record(id)));
    expect(inputs.newestHeaders()).toEqual({ traceparent: ids[2] });
    const { parent, links } = inputs.take();
    expect([parent!, ...links!].map((context) => traceHeaders(context)['traceparent'])).toEqual([ids[1], ids[2]]);
  });

  it('ignores malformed traceparents', () => {
    const inputs = new InputTraces();
    inputs.note([record('garbage')]);
    expect(inputs.take()).toEqual({});
  });
});

describe('tracingSchema', () => {
  it('is off by default with no exporter', () => {
    expect(loadConfig(tracingSchema, {})).toEqual({ sampleRatio: 0, otlpTracesUrl: undefined });
  });

  it('refuses a ratio above 1 and a URL that is not http(s)', () => {
    expect(() => loadConfig(tracingSchema, { VIGIL_TRACE_SAMPLE_RATIO: '2', VIGIL_OTLP_TRACES_URL: 'ftp://x' })).toThrow(
      /VIGIL_TRACE_SAMPLE_RATIO[\s\S]*VIGIL_OTLP_TRACES_URL/,
    );
  });
});

describe('traceIdOf', () => {
  it('gives the trace id a context carries, and nothing for a context without one', () => {
    expect(traceIdOf(extractTraceContext({ traceparent: SAMPLED }))).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceIdOf(extractTraceContext({}))).toBeUndefined();
  });
});
