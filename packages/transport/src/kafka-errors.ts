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
