// Spans leave the process over OTLP/HTTP to whatever VIGIL_OTLP_TRACES_URL names; a local HTTP
// server stands in for an OpenTelemetry Collector.

import { createTelemetry, extractTraceContext, startSpan } from '@vigil/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpSink, type HttpSink } from '../../support/http-sink';

interface OtlpTraces {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; parentSpanId?: string }> }>;
  }>;
}

describe('OTLP trace export', () => {
  let collector: HttpSink;

  beforeAll(async () => {
    collector = await startHttpSink();
  });

  afterAll(async () => {
    await collector?.stop();
  });

  it('posts the recorded spans as OTLP JSON, with the service name, by shutdown at the latest', async () => {
    const telemetry = createTelemetry('vigil-collector', { tracing: { sampleRatio: 1, otlpTracesUrl: `${collector.url}/v1/traces` } });
    const parent = extractTraceContext({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    startSpan(telemetry.tracer, 'collector.ingest', { parent }).end();
    await telemetry.shutdown();

    const [request] = await collector.waitForRequests(1);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/traces' });
    expect(request!.headers['content-type']).toMatch(/application\/json/);
    const [resourceSpans] = request!.json<OtlpTraces>().resourceSpans;
    expect(resourceSpans!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'vigil-collector' } });
    expect(resourceSpans!.scopeSpans[0]!.spans).toEqual([
      expect.objectContaining({ name: 'collector.ingest', traceId: '0af7651916cd43dd8448eb211c80319c', parentSpanId: 'b7ad6b7169203331' }),
    ]);
  });

  it('never throws into the pipeline when the endpoint is down', async () => {
    const telemetry = createTelemetry('t', { tracing: { sampleRatio: 1, otlpTracesUrl: 'http://127.0.0.1:9/v1/traces' } });
    startSpan(telemetry.tracer, 'work').end();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });
});
