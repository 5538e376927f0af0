import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@vigil/telemetry';
import { IngestAudit, tokenFingerprint } from './ingest-audit';

function auditWithOutput() {
  const destination = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  destination.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { audit: new IngestAudit(createLogger({ name: 'audit-test', destination }), 2), lines };
}

describe('IngestAudit', () => {
  it('logs each new source once, with a token fingerprint and never the token', async () => {
    const { audit, lines } = auditWithOutput();
    const token = 'ing-super-secret-value';
    for (let i = 0; i < 3; i++) audit.accepted('http', { tokenFingerprint: tokenFingerprint(token), remote: '10.0.0.1', userAgent: 'Fluent-Bit' });
    audit.refused('syslog-udp', { remote: '192.0.2.1', reason: 'address not allowed' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => l.audit)).toEqual(['ingest_source', 'ingest_refused']);
    expect(lines[0]?.tokenFingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('forgets what it saw when its memory is full instead of growing', async () => {
    const { audit, lines } = auditWithOutput();
    for (const remote of ['a', 'b', 'c', 'a']) audit.accepted('http', { remote });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(4);
  });
});
