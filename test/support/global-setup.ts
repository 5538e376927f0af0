// vitest globalSetup of the "integration" project (test/integration, test/e2e): the run's Kafka.
// KAFKA_BROKERS set → that cluster, checked reachable; unset → a real local broker started here
// and stopped after the run. vitest runs a project's globalSetup only when files of that project
// are selected, so unit-only runs never need Java.

import type { TestProject } from 'vitest/node';
import { waitForKafka } from '@vigil/transport';
import { startBroker } from '../../tools/kafka/broker';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env['KAFKA_BROKERS']?.trim();
  if (configured) {
    const brokers = configured.split(',').map((broker) => broker.trim());
    await waitForKafka({ brokers, timeoutMs: 15000 });
    console.log(`[kafka] integration tests use the real Kafka at KAFKA_BROKERS=${brokers.join(',')}`);
    project.provide('kafkaBrokers', brokers);
    return async () => {};
  }
  const startedAt = Date.now();
  const broker = await startBroker();
  console.log(
    `[kafka] started a real Apache Kafka 3.9.1 broker (KRaft) at ${broker.brokers.join(',')} in ${Date.now() - startedAt} ms; data in ${broker.dataDir}`,
  );
  project.provide('kafkaBrokers', broker.brokers);
  return async () => {
    const stoppingAt = Date.now();
    await broker.stop();
    console.log(`[kafka] stopped the broker in ${Date.now() - stoppingAt} ms`);
  };
}
