import { describe, expect, it } from 'vitest';
import { retryWarning } from './retry-warning';

function recorder() {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  return { lines, logger: { warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) } };
}

describe('retryWarning', () => {
  it('warns at most once a minute per channel, naming it and the failure and counting the retries in between', () => {
    let now = 0;
    const { lines, logger } = recorder();
    const warn = retryWarning(logger, () => now);
    warn('slack', 'HTTP 503');
    warn('email', 'SMTP 451 try later');
    now = 30_000;
    warn('slack', 'HTTP 503');
    warn('slack', 'no HTTP answer (ECONNREFUSED)');
    now = 60_000;
    warn('slack', 'HTTP 503');
    expect(lines).toEqual([
      { fields: { channel: 'slack', reason: 'HTTP 503', retriesSincePreviousWarning: 0 }, message: 'notification delivery on slack failed (HTTP 503); retrying' },
      { fields: { channel: 'email', reason: 'SMTP 451 try later', retriesSincePreviousWarning: 0 }, message: 'notification delivery on email failed (SMTP 451 try later); retrying' },
      { fields: { channel: 'slack', reason: 'HTTP 503', retriesSincePreviousWarning: 2 }, message: 'notification delivery on slack failed (HTTP 503); retrying' },
    ]);
  });
});
