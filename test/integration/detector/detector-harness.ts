// The detector on the run's real broker: in this process or as a child (for SIGKILL tests), with
// topics under a prefix of its own, the shared attack scenario as input and anomalies.v1 read back.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Env } from '@vigil/config';
import { validateAnomaly, type Anomaly } from '@vigil/contract';
import type { KafkaTransport } from '@vigil/transport';
import { eventRecords, SCENARIO, scenarioTraffic } from '../../../services/detector/src/traffic-fixture';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { detectorTransport } from './in-process-detector';

export { startInProcessDetector } from './in-process-detector';
export type { InProcessDetector } from './in-process-detector';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Environment of one detector deployment (one prefix, one group) on the test broker. */
export function detectorTestEnv(extra: Env = {}): Env {
  const prefix = uniqueName('detector');
  return {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_CLIENT_ID: 'vigil-detector-test',
    VIGIL_TOPIC_PREFIX: `${prefix}.`,
    VIGIL_TOPIC_PARTITIONS: '4',
    VIGIL_DETECTOR_GROUP_ID: `${prefix}-group`,
    VIGIL_IDLE_ADVANCE_SECONDS: '2',
    VIGIL_LOG_LEVEL: process.env['VIGIL_LOG_LEVEL'] ?? 'error',
    ...SCENARIO.env,
    ...extra,
  };
}

export interface ChildDetector {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
}

/**
 * The detector in a child process; `ready` once it consumes. Node runs the entry script itself
 * with tsx as a loader: the tsx command would put a wrapper process in between, and a SIGKILL of
 * the wrapper leaves the detector running.
 */
export function spawnDetector(env: Env): ChildDetector {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./detector-entry.ts', import.meta.url))], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('detector ready')) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`detector exited (${code ?? signal}) before it was ready:\n${stderr}`)));
  });
  return { child, ready, exited };
}

/** The scenario's input and anomalies.v1 of one deployment. */
export class ScenarioTopics {
  private constructor(private readonly transport: KafkaTransport) {}

  static async create(env: Env): Promise<ScenarioTopics> {
    const transport = detectorTransport(env);
    // kafkajs sometimes reports a new topic's leader as not there yet ("does not host this
    // topic-partition", retryable) right after creating it; creating again is idempotent.
    await waitFor(async () => {
      await transport.ensureTopics();
      return true;
    }, { timeoutMs: 20_000, intervalMs: 200, message: `topics under ${env['VIGIL_TOPIC_PREFIX']}` });
    return new ScenarioTopics(transport);
  }

  async publish(fromBucket: number, toBucket: number): Promise<void> {
    const topic = this.transport.topic('events');
    const count = await this.transport.partitionCount(topic);
    const producer = await this.transport.producer();
    await producer.send(topic, eventRecords(scenarioTraffic(fromBucket, toBucket), count, (key, n) => this.transport.partitionFor(key, n)));
    await producer.close();
  }

  async anomalies(): Promise<Anomaly[]> {
    const records = await this.transport.readAll(this.transport.topic('anomalies'));
    return records.map((record) => validateAnomaly(JSON.parse(record.value.toString('utf8'))));
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
