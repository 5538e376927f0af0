// One trace from the HTTP request that carried a brute force to the Slack message about it:
// collector, detector and alerter run in this process on the real broker, each with its own
// transport and tracing on (every span kept in one shared in-memory recorder), and the trace
// context travels only in Kafka record headers between them.

import { startAlerter } from '@vigil/alerter';
import { startCollector } from '@vigil/collector';
import { kafkaSchema, loadConfig, type Env } from '@vigil/config';
import { startDetector } from '@vigil/detector';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createSpanRecorder, createTelemetry, type RecordedSpan, type SpanRecorder } from '@vigil/telemetry';
import { createTransport, type Transport } from '@vigil/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpSink, type HttpSink } from '../../support/http-sink';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';

const TOKEN = 'tracing-test-token';
const ATTACKER = '203.0.113.77';

function combinedLine(ip: string, time: number, request: string, status: number): string {
  const stamp = new Date(time).toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1/$2/$3:$4 +0000');
  return `${ip} - - [${stamp}] "${request} HTTP/1.1" ${status} 512 "-" "tracing-test/1.0"`;
}

/** Twenty seconds of event time: a few clients browsing, and one IP refused 20 times a second for 8 s of it. */
function logWithBruteForce(now: number): string {
  const lines: Array<{ time: number; line: string }> = [];
  for (let t = now - 20_000; t <= now; t += 250) {
    for (let client = 0; client < 8; client++) lines.push({ time: t, line: combinedLine(`10.30.0.${client + 1}`, t, `GET /api/items/${client}`, 200) });
  }
  for (let t = now - 12_000; t < now - 4_000; t += 50) lines.push({ time: t, line: combinedLine(ATTACKER, t, 'POST /login', 401) });
  return `${lines
    .sort((a, b) => a.time - b.time)
    .map((entry) => entry.line)
    .join('\n')}\n`;
}

interface TracedStack {
  ingestUrl: string;
  /** The alerter's transport, to read its audit topic. */
  alerterTransport: Transport;
  stop(): Promise<void>;
}

/** The three services as three "processes": each its own transport and telemetry, one shared recorder. */
async function startTracedStack(env: Env, recorder: SpanRecorder): Promise<TracedStack> {
  const logger = createLogger({ name: 'tracing-test', level: process.env['VIGIL_LOG_LEVEL'] ?? 'silent' });
  const transports: Transport[] = [];
  const servers: VigilHttpServer[] = [];
  const running: Array<{ stop(): Promise<void> }> = [];
  const depsFor = (service: string) => {
    const telemetry = createTelemetry(`vigil-${service}`, { tracing: { sampleRatio: 1, recorder } });
    const transport = createTransport({ kafka: loadConfig(kafkaSchema, env), logger, telemetry });
    const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
    transports.push(transport);
    servers.push(http);
    return { transport, logger: logger.child({ service }), telemetry, http, env };
  };
  const alerterDeps = depsFor('alerter');
  await alerterDeps.transport.ensureTopics();
  running.push(await startAlerter(alerterDeps, { tickMs: 100 }));
  running.push(await startDetector(depsFor('detector'), { tickMs: 200 }));
  const collectorDeps = depsFor('collector');
  running.push(await startCollector(collectorDeps));
  const address = await collectorDeps.http.listen();
  return {
    ingestUrl: `http://127.0.0.1:${address.port}/v1/logs`,
    alerterTransport: alerterDeps.transport,
    async stop() {
      await collectorDeps.http.close();
      for (const service of running.reverse()) await service.stop();
      for (const transport of transports) await transport.close();
    },
  };
}

function only(spans: readonly RecordedSpan[], name: string): RecordedSpan {
  const named = spans.filter((span) => span.name === name);
  expect(named, `one ${name} span`).toHaveLength(1);
  return named[0]!;
}

describe('trace context from collector to alerter', () => {
  const recorder = createSpanRecorder();
  let slack: HttpSink;
  let stack: TracedStack;

  beforeAll(async () => {
    slack = await startHttpSink();
    const prefix = uniqueName('tracing');
    stack = await startTracedStack(
      {
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_CLIENT_ID: 'vigil-tracing-test',
        VIGIL_TOPIC_PREFIX: `${prefix}.`,
        VIGIL_TOPIC_PARTITIONS: '2',
        VIGIL_DETECTOR_GROUP_ID: `${prefix}-detector`,
        VIGIL_ALERTER_GROUP: `${prefix}-alerter`,
        VIGIL_INGEST_TOKENS: TOKEN,
        VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/tracing`,
        VIGIL_ROUTE_CRITICAL: 'slack',
        VIGIL_ROUTE_WARNING: 'slack',
        VIGIL_ROUTE_INFO: 'slack',
        VIGIL_BUCKET_SECONDS: '1',
        VIGIL_IDLE_ADVANCE_SECONDS: '2',
      },
      recorder,
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await slack?.stop();
  });

  it('gives the Slack delivery of a brute force the trace id of the ingest request that carried it', async () => {
    const response = await fetch(stack.ingestUrl, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: logWithBruteForce(Date.now()) });
    expect(response.status).toBe(200);

    await waitFor(() => slack.requests.find((request) => request.body.includes('auth-failure-surge') && request.body.includes(ATTACKER)), {
      timeoutMs: 40_000,
      message: `a Slack post about ${ATTACKER} (got ${slack.requests.length})`,
    });
    const notify = await waitFor(
      () =>
        recorder
          .spans()
          .find((span) => span.name === 'alerter.notify' && span.attributes['vigil.detector'] === 'auth-failure-surge' && span.attributes['vigil.outcome'] === 'delivered'),
      { message: 'the alerter.notify span of the brute-force alert' },
    );

    const spans = recorder.spans();
    const ingest = only(spans, 'collector.ingest');
    expect(ingest).toMatchObject({ serviceName: 'vigil-collector', attributes: expect.objectContaining({ 'vigil.source': 'http', 'vigil.rejected': 0 }) });
    expect(notify).toMatchObject({ traceId: ingest.traceId, serviceName: 'vigil-alerter', attributes: expect.objectContaining({ 'vigil.channel': 'slack' }) });

    // The path between them, hop by hop: ingest → publish (events.v1) → score (anomalies.v1) → notify.
    const publish = spans.find((span) => span.name === 'collector.publish' && span.parentSpanId === ingest.spanId);
    const score = spans.find((span) => span.name === 'detector.score' && span.spanId === notify.parentSpanId);
    expect(publish).toMatchObject({ traceId: ingest.traceId, serviceName: 'vigil-collector' });
    expect(score).toMatchObject({ traceId: ingest.traceId, parentSpanId: publish?.spanId, serviceName: 'vigil-detector' });

    // The audit record of that delivery (notifications.v1) carries the notify span's context.
    const audit = await waitFor(
      async () => {
        const records = await stack.alerterTransport.readAll(stack.alerterTransport.topic('notifications'));
        return records.find((record) => {
          const body = JSON.parse(String(record.value)) as { outcome?: string; channel?: string };
          return body.outcome === 'delivered' && body.channel === 'slack' && record.headers['traceparent']?.includes(notify.spanId);
        });
      },
      { message: 'a notifications.v1 record of the delivery with its traceparent', intervalMs: 500 },
    );
    expect(audit.headers['traceparent']).toBe(`00-${ingest.traceId}-${notify.spanId}-01`);
  });

  it('continues the trace of a shipper that sends a traceparent with its logs', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    const response = await fetch(stack.ingestUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, traceparent: `00-${traceId}-${parentSpanId}-01` },
      body: logWithBruteForce(Date.now()).split('\n').slice(0, 3).join('\n'),
    });
    expect(response.status).toBe(200);
    const ingest = await waitFor(() => recorder.spans().find((span) => span.name === 'collector.ingest' && span.traceId === traceId), {
      message: 'a collector.ingest span in the shipper\'s trace',
    });
    expect(ingest.parentSpanId).toBe(parentSpanId);
  });
});
