// The audit trail of who sends logs: one line the first time each (token fingerprint, address,
// user agent) is seen, and one per refused address and reason. Bounded, so a flood of addresses
// cannot grow memory; the token itself is never logged, only a short fingerprint.

import { createHash } from 'node:crypto';
import type { Logger } from '@vigil/telemetry';

export function tokenFingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12)}`;
}

export class IngestAudit {
  private readonly seen = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly maxRemembered = 10_000,
  ) {}

  accepted(input: string, fields: { tokenFingerprint?: string; remote: string; userAgent?: string }): void {
    this.once(`ok|${input}|${fields.tokenFingerprint ?? ''}|${fields.remote}|${fields.userAgent ?? ''}`, () =>
      this.logger.info({ audit: 'ingest_source', input, ...fields }, 'new ingest source'),
    );
  }

  refused(input: string, fields: { remote: string; reason: string }): void {
    this.once(`refused|${input}|${fields.remote}|${fields.reason}`, () =>
      this.logger.warn({ audit: 'ingest_refused', input, ...fields }, 'ingest refused'),
    );
  }

  private once(key: string, log: () => void): void {
    if (this.seen.has(key)) return;
    if (this.seen.size >= this.maxRemembered) this.seen.clear();
    this.seen.add(key);
    log();
  }
}
