// Maps an HTTP answer or a failed request onto a NotifyResult: 2xx delivered; 408, 429 and 5xx worth
// retrying (429 and 503 honour Retry-After); other 4xx will fail the same way again.
import type { NotifyResult } from '../notification';
import { isTlsVerificationFailure } from './tls-failure';

const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** Retry-After is either delay-seconds or an HTTP date; answers milliseconds from `nowMs`, capped at an hour. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  const delayMs = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (!Number.isFinite(delayMs)) return undefined;
  return Math.min(Math.max(0, delayMs), MAX_RETRY_AFTER_MS);
}

export function outcomeFromStatus(status: number, retryAfter: string | null | undefined, nowMs: number): NotifyResult {
  if (status >= 200 && status < 300) return { ok: true };
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfterMs(retryAfter, nowMs) : undefined;
  return {
    ok: false,
    retryable,
    reason: `HTTP ${status}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** The most specific code a failed request carries: a timeout, or the socket or TLS error (ECONNREFUSED, CERT_HAS_EXPIRED, ...). */
function requestErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return 'timeout';
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    if (current.message === BAD_PORT) return BAD_PORT;
    current = current.cause;
  }
  return 'request failed';
}

/**
 * Node's fetch never connects to the Fetch standard's "bad ports" (6000, 6665-6669, 10080, ...):
 * a receiver there fails every attempt with a cause that has no code, which read as "request
 * failed" and was retried VIGIL_NOTIFY_MAX_ATTEMPTS times.
 */
const BAD_PORT = 'bad port';

/** No answer (refused, reset, DNS, timeout) is worth retrying; a certificate that fails verification, or a port fetch refuses, is not. */
export function outcomeFromRequestError(error: unknown): NotifyResult {
  const code = requestErrorCode(error);
  if (code === BAD_PORT) {
    return { ok: false, retryable: false, reason: 'no HTTP answer (bad port: Node\'s fetch never connects to this port, one of the Fetch standard\'s "bad ports"; give the receiver another port)' };
  }
  return { ok: false, retryable: !isTlsVerificationFailure(code), reason: `no HTTP answer (${code})` };
}
