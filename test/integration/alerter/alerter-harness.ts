// Runs the real alerter against the test broker, in this process or as a child process (for
// SIGKILL tests), and gives tests a producer of anomalies and readers of the alerter's topics.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kafkaSchema, loadConfig, type Env } from '@vigil/config';
import type { Anomaly, TopicRole } from '@vigil/contract';
import { createLogger } from '@vigil/telemetry';
import { createTransport, type Producer, type Transport } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
export { startInProcessAlerter } from './in-process-alerter';
export type { InProcessAlerter } from './in-process-alerter';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Settings of one test: its own topics and consumer group, fast retries, quick ticks. */
export function alerterTestEnv(overrides: Env = {}): Env {
  return {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    VIGIL_TOPIC_PREFIX: `${uniqueName('alerter')}.`,
    VIGIL_TOPIC_PARTITIONS: '1',
    VIGIL_ALERTER_GROUP: uniqueName('alerter-group'),
    VIGIL_GROUP_WAIT_SECONDS: '0',
    VIGIL_GROUP_INTERVAL_SECONDS: '0',
    VIGIL_NOTIFY_BACKOFF_BASE_MS: '50',
    VIGIL_NOTIFY_BACKOFF_MAX_MS: '2000',
    VIGIL_NOTIFY_MAX_ATTEMPTS: '30',
    VIGIL_CONSOLE_ALERTS: 'off',
    VIGIL_LOG_LEVEL: 'warn',
    // These tests follow each anomaly's own notifications (and share evidence between entities);
    // correlation has its own tests (dispatcher.test.ts, test/e2e/correlated-alerts.test.ts).
    VIGIL_CORRELATE_BY: 'none',
    ...overrides,
  };
}

export interface TopicClient {
  transport: Transport;
  publish(anomalies: readonly Anomaly[]): Promise<void>;
  /** Every record of a topic so far, as parsed JSON. */
  read<T>(role: TopicRole): Promise<T[]>;
  close(): Promise<void>;
}

export async function topicClient(env: Env): Promise<TopicClient> {
  const transport = createTransport({ kafka: loadConfig(kafkaSchema, env), logger: createLogger({ name: 'test', level: 'warn' }) });
  await transport.ensureTopics();
  const producer: Producer = await transport.producer();
  return {
    transport,
    publish: (anomalies) =>
      producer.send(
        transport.topic('anomalies'),
        anomalies.map((a) => ({ key: `${a.detector}|${a.entity.kind}|${a.entity.key}`, value: JSON.stringify(a) })),
      ),
    read: async <T>(role: TopicRole) =>
      (await transport.readAll(transport.topic(role))).map((r) => JSON.parse(r.value.toString('utf8')) as T),
    async close() {
      await producer.close();
      await transport.close();
    },
  };
}

export interface ChildAlerter {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
}

/** The alerter in its own process (alerter-entry.ts), so a test can SIGKILL it. */
export function spawnAlerter(env: Env): ChildAlerter {
  // node --import tsx, not the tsx wrapper: a SIGKILL must reach the alerter itself.
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./alerter-entry.ts', import.meta.url))], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const pid = /alerter ready (\d+)/.exec(output)?.[1];
      if (pid === undefined) return;
      if (Number(pid) === child.pid) resolve();
      else reject(new Error(`the alerter runs as pid ${pid}, not the spawned ${child.pid}: a SIGKILL would miss it`));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (code) => reject(new Error(`alerter exited (${code}) before it was ready:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, exited };
}
