// The real collector on a real broker for tests: its own topics, an HTTP server on a free port,
// and a consumer that collects what reached events.v1 and rejected.v1.

import { kafkaSchema, loadConfig, type Env } from '@vigil/config';
import { decodeEvents, ENCODING_HEADER, type ApiAccessEvent, type RejectedInput } from '@vigil/contract';
import { startCollector, type RunningCollector } from '@vigil/collector';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { createTransport, type Consumer, type Transport } from '@vigil/transport';
import { uniqueName } from '../../support/kafka';

export const INGEST_TOKEN = 'ing-test-token-1';

export interface TestCollector {
  url: string;
  env: Env;
  collector: RunningCollector;
  transport: Transport;
  events: ApiAccessEvent[];
  rejected: RejectedInput[];
  post(body: string | Buffer, options?: { headers?: Record<string, string>; query?: string }): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export function collectorTestEnv(brokers: readonly string[], overrides: Env = {}): Env {
  return {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CLIENT_ID: 'vigil-collector-test',
    VIGIL_TOPIC_PREFIX: `${uniqueName('collector')}.`,
    VIGIL_TOPIC_PARTITIONS: '3',
    VIGIL_INGEST_TOKENS: INGEST_TOKEN,
    ...overrides,
  };
}

/** Collects everything on the collector's topics from the beginning, in a group of its own. */
function collectTopics(transport: Transport, events: ApiAccessEvent[], rejected: RejectedInput[]): Consumer {
  const eventsTopic = transport.topic('events');
  return transport.consumer({
    groupId: uniqueName('collector-test-reader'),
    topics: [eventsTopic, transport.topic('rejected')],
    fromBeginning: true,
    eachBatch: async (batch) => {
      for (const record of batch.records) {
        if (batch.topic === eventsTopic) events.push(...decodeEvents(record.value, record.headers[ENCODING_HEADER]));
        else rejected.push(JSON.parse(record.value.toString('utf8')) as RejectedInput);
      }
    },
  });
}

export async function startTestCollector(env: Env, runtime: Parameters<typeof startCollector>[1] = {}): Promise<TestCollector> {
  const logger = createLogger({ name: 'collector-test', level: process.env['VIGIL_LOG_LEVEL'] ?? 'silent' });
  const telemetry = createTelemetry('collector-test');
  const transport = createTransport({ kafka: loadConfig(kafkaSchema, env), logger });
  await transport.ensureTopics();
  const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
  const collector = await startCollector({ transport, logger, telemetry, http, env }, runtime);
  const address = await http.listen();
  const url = `http://127.0.0.1:${address.port}`;

  const events: ApiAccessEvent[] = [];
  const rejected: RejectedInput[] = [];
  const reader = collectTopics(transport, events, rejected);
  await reader.start();

  return {
    url,
    env,
    collector,
    transport,
    events,
    rejected,
    async post(body, options = {}) {
      const response = await fetch(`${url}/v1/logs${options.query ?? ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, ...options.headers },
        body,
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    },
    async stop() {
      await http.close();
      await collector.stop();
      await reader.stop();
      await transport.close();
    },
  };
}

/** An nginx combined line whose path identifies it. */
export function nginxLine(path: string, ip = '203.0.113.9'): string {
  return `${ip} - - [27/Nov/2025:21:36:00 +0000] "GET ${path} HTTP/1.1" 200 512 "-" "curl/8.5.0"`;
}
