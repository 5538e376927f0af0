import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

const fields = { remote_addr: '203.0.113.9', request: 'GET /v1/users/7?a=1 HTTP/2.0', status: '200', body_bytes_sent: '612', request_time: '0.123' };

describe('nginx-json', () => {
  it('reads the time under the keys templates commonly give $time_iso8601 or $msec', () => {
    const at = Date.UTC(2023, 9, 10, 11, 55, 36);
    for (const [key, value, expected] of [
      ['time', '2023-10-10T13:55:36+02:00', at],
      ['@timestamp', '2023-10-10T13:55:36+02:00', at],
      ['timestamp', '1696938936.123', at + 123],
      ['time_local', '10/Oct/2023:13:55:36 +0200', at],
    ] as const) {
      const line = JSON.stringify({ [key]: value, ...fields });
      expect(eventOf(createEventParser({ format: 'auto' }).parseLine(line, ctx)), key).toMatchObject({
        time: expected,
        gateway: 'nginx',
        request: { method: 'GET', path: '/v1/users/7', query: 'a=1', protocol: 'HTTP/2.0' },
        response: { status: 200, bytes: 612, latencyMs: 123 },
      });
    }
  });
});
