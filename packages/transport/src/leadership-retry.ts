// Right after a topic is created (or while a leader moves) its partitions answer for a moment with
// "not the leader", "does not host this topic-partition" or "leader not available". kafkajs does
// not retry those in every admin call (fetchTopicOffsets gives up at once on NOT_LEADER), so the
// transport retries exactly these, with bounded backoff; any other error fails at once.

/** kafkajs's own "stale metadata" set: the partition's leadership is settling. */
const LEADERSHIP_ERROR_TYPES: ReadonlySet<string> = new Set(['NOT_LEADER_FOR_PARTITION', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;

interface ErrorLike {
  type?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

/** True when the error, or anything it wraps (cause, originalError, aggregated errors), is a leadership error. */
export function isLeadershipError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 10) return false;
  const e = error as ErrorLike;
  if (typeof e.type === 'string' && LEADERSHIP_ERROR_TYPES.has(e.type)) return true;
  const wrapped = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return wrapped.some((inner) => isLeadershipError(inner, depth + 1));
}

export interface LeadershipRetryOptions {
  /** Gives up (rethrowing the last error) when the next wait would end after this long. */
  timeoutMs: number;
  /** Told about each retry, for a log line. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** Injected in unit tests. */
  wait?(ms: number): Promise<void>;
  now?(): number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `call` (given the attempt number, from 1) until it succeeds, retrying only leadership errors. */
export async function retryWhileLeadershipSettles<T>(call: (attempt: number) => Promise<T>, options: LeadershipRetryOptions): Promise<T> {
  const { timeoutMs, onRetry, wait = sleep, now = Date.now } = options;
  const deadline = now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const delayMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
      if (!isLeadershipError(error) || now() + delayMs > deadline) throw error;
      onRetry?.(error, attempt, delayMs);
      await wait(delayMs);
    }
  }
}

/** What the broker would say, for a wait of our own (metadata that names no leader yet). */
export function leaderNotAvailable(message: string): Error {
  return Object.assign(new Error(message), { type: 'LEADER_NOT_AVAILABLE' });
}

/**
 * kafkajs's admin.fetchTopicOffsets throws a bare TypeError ("Cannot destructure property
 * 'partitions' of 'low.pop(...)'") when the broker answers ListOffsets for a topic whose partitions
 * are still settling (kafkajs issue #461). Read as what it is, a leadership error, it is retried
 * quietly with the others instead of surfacing as a failure with a stack.
 */
export async function fetchOffsetsWhenSettled<T>(topic: string, fetch: () => Promise<T>): Promise<T> {
  try {
    return await fetch();
  } catch (error) {
    if (error instanceof TypeError && /\b(low|high)\.pop\(/.test(error.message)) {
      throw Object.assign(leaderNotAvailable(`offsets of ${topic} are not available yet (${error.message})`), { cause: error });
    }
    throw error;
  }
}
