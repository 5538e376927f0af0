// Spans leave the process over OTLP/HTTP to whatever VIGIL_OTLP_TRACES_URL names; a local HTTP
// server stands in for an OpenTelemetry Collector.

import { createTelemetry, exportFailureLog, extractTraceContext, startSpan, type ExportFailure } from '@vigil/telemetry';
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

  it('reports an export the endpoint refused, with the number of spans dropped', async () => {
    const refusing = await startHttpSink({ responses: [400, 400, 400, 400, 400, 400] });
    try {
      const failures: ExportFailure[] = [];
      const telemetry = createTelemetry('t', {
        tracing: { sampleRatio: 1, otlpTracesUrl: `${refusing.url}/v1/traces`, onExportFailure: (failure) => failures.push(failure) },
      });
      startSpan(telemetry.tracer, 'one').end();
      startSpan(telemetry.tracer, 'two').end();
      await telemetry.shutdown();
      await refusing.waitForRequests(1);
      expect(failures).toEqual([{ spans: 2, error: expect.any(String) }]);
    } finally {
      await refusing.stop();
    }
  });

  it('logs a down endpoint once, then a summary at most once per interval, without its credentials', async () => {
    const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
    let now = 0;
    const log = exportFailureLog({ warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) } as never, 'https://user:s3cret@otel.example.com:4318/v1/traces?token=abc', {
      intervalMs: 60_000,
      now: () => now,
    });
    log({ spans: 5, error: 'connect ECONNREFUSED' });
    now = 10_000;
    log({ spans: 7, error: 'connect ECONNREFUSED' });
    now = 30_000;
    log({ spans: 1, error: 'connect ECONNREFUSED' });
    expect(lines).toHaveLength(1);
    now = 61_000;
    log({ spans: 2, error: 'timeout' });
    expect(lines.map((l) => l.fields)).toEqual([
      { endpoint: 'https://otel.example.com:4318/v1/traces', droppedSpans: 5, failedExports: 1, error: 'connect ECONNREFUSED' },
      { endpoint: 'https://otel.example.com:4318/v1/traces', droppedSpans: 10, failedExports: 3, error: 'timeout' },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/s3cret|token=abc|user:/);
    expect(lines[1]?.message).toContain('10 spans dropped in the last 61 s');
  });
});
