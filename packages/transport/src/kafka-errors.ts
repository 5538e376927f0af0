// Every kafkajs failure leaves the transport as VIGIL_KAFKA_UNAVAILABLE; `retryable` follows
// kafkajs's own verdict on the root cause (a refused oversized record will not succeed later).

import { VigilError, isVigilError } from '@vigil/contract';

interface KafkaJsLikeError {
  message?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

function rootCause(error: unknown): KafkaJsLikeError {
  let current = error as KafkaJsLikeError;
  for (let depth = 0; depth < 10; depth++) {
    const next = current?.originalError ?? current?.cause;
    if (next === undefined || next === null || typeof next !== 'object') break;
    current = next as KafkaJsLikeError;
  }
  return current ?? {};
}

export function kafkaUnavailable(action: string, error: unknown): VigilError {
  if (isVigilError(error)) return error;
  const root = rootCause(error);
  const message = (error as KafkaJsLikeError)?.message ?? String(error);
  const detail = root.message !== undefined && root.message !== message ? ` (${root.message})` : '';
  return new VigilError('VIGIL_KAFKA_UNAVAILABLE', `Kafka ${action} failed: ${message}${detail}`, {
    retryable: root.retriable !== false,
    cause: error,
  });
}

/** Runs a kafkajs call, turning its failure into VIGIL_KAFKA_UNAVAILABLE. */
export async function withKafkaErrors<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw kafkaUnavailable(action, error);
  }
}

/** kafkajs's errors for a broker that cannot be connected to (refused, unknown host, closed, timed out). */
const CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']);

function isConnectionFailure(error: unknown): boolean {
  let current = error as (KafkaJsLikeError & { name?: string }) | undefined;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null && typeof current === 'object'; depth++) {
    if (current.name !== undefined && CONNECTION_ERRORS.has(current.name)) return true;
    current = (current.originalError ?? current.cause) as typeof current;
  }
  return false;
}

/**
 * The first connection failed: most often KAFKA_BROKERS (or TLS/SASL) is wrong rather than the
 * cluster down, so say which variable to check. Other failures pass through unchanged.
 */
export function brokersUnreachable(brokers: readonly string[], error: unknown): unknown {
  if (!isConnectionFailure(error)) return error;
  const root = rootCause(error).message ?? String(error);
  return new VigilError(
    'VIGIL_KAFKA_UNAVAILABLE',
    `No Kafka broker answered at KAFKA_BROKERS=${brokers.join(',')} (${root}). ` +
      'Check that each entry is the host:port of a broker listener reachable from here, e.g. KAFKA_BROKERS=broker1:9092,broker2:9092, ' +
      'and that the cluster is up; a cluster that needs TLS or SASL also needs KAFKA_TLS=on and KAFKA_SASL_MECHANISM (docs/deployment.md). ' +
      'Without KAFKA_BROKERS, "vigil start" runs embedded.',
    { retryable: true, cause: error },
  );
}
