// Readiness of a cluster: an open port is not enough (the broker accepts connections before it
// serves requests), so ask for the cluster description until a broker answers.

import { Kafka, logLevel } from 'kafkajs';
import { VigilError } from '@vigil/contract';

export interface WaitForKafkaOptions {
  brokers: readonly string[];
  timeoutMs: number;
  /** Gives up early, e.g. when the broker process exited. */
  signal?: AbortSignal;
}

/** Resolves with the number of brokers in the cluster once one answers describeCluster. */
export async function waitForKafka({ brokers, timeoutMs, signal }: WaitForKafkaOptions): Promise<number> {
  const client = new Kafka({
    clientId: 'vigil-readiness',
    brokers: [...brokers],
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && signal?.aborted !== true) {
    const admin = client.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return cluster.brokers.length;
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const why = signal?.aborted === true ? String(signal.reason) : `no answer within ${timeoutMs} ms`;
  throw new VigilError('VIGIL_KAFKA_UNAVAILABLE', `Kafka at ${brokers.join(',')} is not serving requests: ${why}`, {
    retryable: true,
    cause: lastError,
  });
}
