// A channel being retried is worth a warning, but not one per attempt: per channel at most one a
// minute, naming the channel and the failure and counting the retries since the previous one. The
// reason comes from the notifier, whose contract keeps URLs, tokens and passwords out of it.

import { WarningThrottle } from '@vigil/telemetry';
import type { Clock } from '../clock';

/** Where the warning goes: a pino logger, or a recorder in tests. */
interface WarningLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export function retryWarning(logger: WarningLog, clock: Clock): (channel: string, reason: string) => void {
  const throttle = new WarningThrottle(undefined, clock);
  return (channel, reason) => {
    const retries = throttle.due(channel);
    if (retries === undefined) return;
    logger.warn({ channel, reason, retriesSincePreviousWarning: retries - 1 }, `notification delivery on ${channel} failed (${reason}); retrying`);
  };
}
