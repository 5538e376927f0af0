// A trace endpoint that is down fails every export; logging each would flood the log with the same
// line. This logs the first failure at once, then at most one summary per interval with the spans
// dropped since, and never the endpoint's credentials (only its origin and path).

import type { Logger } from 'pino';
import type { ExportFailure } from './opentelemetry';

const DEFAULT_INTERVAL_MS = 60_000;

/** Where spans go, without user:password or query (either may hold a token). */
export function endpointForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export function exportFailureLog(logger: Pick<Logger, 'warn'>, url: string, options: { intervalMs?: number; now?: () => number } = {}): (failure: ExportFailure) => void {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const endpoint = endpointForLogs(url);
  let lastLogged: number | undefined;
  let droppedSince = 0;
  let failuresSince = 0;
  return ({ spans, error }) => {
    droppedSince += spans;
    failuresSince += 1;
    const at = now();
    if (lastLogged !== undefined && at - lastLogged < intervalMs) return;
    logger.warn(
      { endpoint, droppedSpans: droppedSince, failedExports: failuresSince, error },
      `trace export to ${endpoint} failed; ${droppedSince} spans dropped${lastLogged === undefined ? '' : ` in the last ${Math.round((at - lastLogged) / 1000)} s`} (next report in ${intervalMs / 1000} s at most)`,
    );
    lastLogged = at;
    droppedSince = 0;
    failuresSince = 0;
  };
}
