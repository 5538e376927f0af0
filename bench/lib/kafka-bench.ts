// Kafka plumbing the transport, pipeline and latency suites share: a Vigil transport on fresh
// topics (unique prefix per measurement), a quiet logger, and the events the parser publishes.

import { randomUUID } from 'node:crypto';
import { kafkaSchema, loadConfig } from '../../packages/config/src/index';
import { TOPICS, type ApiAccessEvent, type TopicRole } from '../../packages/contract/src/index';
import { createEventParser } from '../../packages/formats/src/index';
import { createLogger, createTelemetry, type Logger, type Telemetry } from '../../packages/telemetry/src/index';
import { KafkaTransport } from '../../packages/transport/src/index';

/** Partitions of every bench topic: Vigil's default (VIGIL_TOPIC_PARTITIONS). */
export const BENCH_PARTITIONS = 6;

export function uniquePrefix(suite: string): string {
  return `bench-${suite}-${randomUUID().slice(0, 8)}.`;
}

function quietLogger(name: string): Logger {
  return createLogger({ name, level: 'warn' });
}

export function benchEnv(brokers: readonly string[], prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CLIENT_ID: 'vigil-bench',
    VIGIL_TOPIC_PREFIX: prefix,
    VIGIL_TOPIC_PARTITIONS: String(BENCH_PARTITIONS),
    VIGIL_LOG_LEVEL: 'warn',
    ...extra,
  };
}

export async function benchTransport(brokers: readonly string[], prefix: string): Promise<{ transport: KafkaTransport; telemetry: Telemetry; logger: Logger }> {
  const logger = quietLogger('bench-transport');
  const transport = new KafkaTransport({ kafka: loadConfig(kafkaSchema, benchEnv(brokers, prefix)), logger });
  await transport.ensureTopics();
  await untilTopicsServe(transport);
  return { transport, telemetry: createTelemetry('vigil-bench'), logger };
}

/**
 * Just after creation a topic's partitions may still answer NOT_LEADER for a moment (the
 * alerter's start-up restore does not retry that); wait until every topic serves offsets.
 */
async function untilTopicsServe(transport: KafkaTransport): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const role of Object.keys(TOPICS) as TopicRole[]) {
    for (;;) {
      try {
        await transport.readAll(transport.topic(role));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

/** The events the collector would publish for these lines (nginx combined). */
export function parsedEvents(lines: readonly string[]): ApiAccessEvent[] {
  const parser = createEventParser({ format: 'nginx' });
  const events: ApiAccessEvent[] = [];
  for (const line of lines) {
    const result = parser.parseLine(line, { source: 'bench', receivedAt: 0 });
    if (result.ok) events.push(result.event);
  }
  return events;
}

/** Runs `tasks` with at most `inFlight` at once, in order of start. */
export async function withConcurrency<T>(items: readonly T[], inFlight: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
