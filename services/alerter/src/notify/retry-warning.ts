// A channel being retried is worth a warning, but not one per attempt: per channel at most one a
// minute, naming the channel and the failure and counting the retries since the previous one. The
// reason comes from the notifier, whose contract keeps URLs, tokens and passwords out of it.

import type { Clock } from '../clock';

const WARNING_INTERVAL_MS = 60_000;

/** Where the warning goes: a pino logger, or a recorder in tests. */
interface WarningLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export function retryWarning(logger: WarningLog, clock: Clock): (channel: string, reason: string) => void {
  const last = new Map<string, { at: number; retriesSince: number }>();
  return (channel, reason) => {
    const now = clock();
    const previous = last.get(channel);
    if (previous !== undefined && now - previous.at < WARNING_INTERVAL_MS) {
      previous.retriesSince += 1;
      return;
    }
    logger.warn(
      { channel, reason, retriesSincePreviousWarning: previous?.retriesSince ?? 0 },
      `notification delivery on ${channel} failed (${reason}); retrying`,
    );
    last.set(channel, { at: now, retriesSince: 0 });
  };
}
