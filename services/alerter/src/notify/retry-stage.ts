// Delivery with retries: exponential backoff with equal jitter (between half the ceiling and all of
// it, so instances do not retry in step, yet the retries span a known least time), a channel's
// Retry-After honoured (capped), non-retryable failures given up at once. A throwing notifier
// counts as retryable.
// A stop signal ends the retries: the delivery is then neither delivered nor failed, only interrupted.

import type { Notification, Notifier, NotifyResult } from '@vigil/notifiers';

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export interface RetryEnvironment {
  /** Waits between attempts (real timers in production, recorded in tests); may end early once `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random(): number;
}

/** Called before each retry with the failure that caused it (for metrics and logs). */
type RetryListener = (failure: Extract<NotifyResult, { ok: false }>, failedAttempts: number) => void;

/** Delay before the attempt that follows `failedAttempts` failures. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxMs);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (failedAttempts - 1));
  return Math.floor(ceiling / 2 + (random * ceiling) / 2);
}

async function attempt(notifier: Notifier, notification: Notification): Promise<NotifyResult> {
  try {
    return await notifier.send(notification);
  } catch (error) {
    return { ok: false, retryable: true, reason: `notifier threw: ${(error as Error).message}` };
  }
}

/** `interrupted`: the stop signal came before the last failure could be retried. */
export interface RetryOutcome {
  result: NotifyResult;
  attempts: number;
  interrupted: boolean;
}

export async function deliverWithRetry(
  notifier: Notifier,
  notification: Notification,
  policy: RetryPolicy,
  env: RetryEnvironment,
  onRetry: RetryListener = () => undefined,
  stop?: AbortSignal,
): Promise<RetryOutcome> {
  const stopped = () => stop?.aborted === true;
  for (let attempts = 1; ; attempts++) {
    const result = await attempt(notifier, notification);
    if (result.ok || !result.retryable || attempts >= policy.maxAttempts) return { result, attempts, interrupted: false };
    if (stopped()) return { result, attempts, interrupted: true };
    onRetry(result, attempts);
    await env.wait(retryDelayMs(policy, attempts, env.random(), result.retryAfterMs), stop);
    if (stopped()) return { result, attempts, interrupted: true };
  }
}
