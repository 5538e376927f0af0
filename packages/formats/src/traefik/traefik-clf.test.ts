import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

const traefikLine = (agent: string) =>
  `192.0.2.10 - - [28/Apr/2025:00:22:33 +0000] "GET /v1/users/5 HTTP/2.0" 200 659 "-" "${agent}" 116 "api@docker" "http://10.0.0.5:8080" 23ms`;

describe('traefik CLF', () => {
  it('reads router and duration', () => {
    expect(eventOf(createEventParser({ format: 'traefik' }).parseLine(traefikLine('curl/8.5.0'), ctx))).toMatchObject({
      service: 'api@docker',
      client: { ip: '192.0.2.10', userAgent: 'curl/8.5.0' },
      request: { method: 'GET', path: '/v1/users/5', protocol: 'HTTP/2.0' },
      response: { status: 200, bytes: 659, latencyMs: 23 },
    });
  });

  it('keeps a request whose user agent holds quotes older Traefik wrote unescaped, with its router and duration', () => {
    for (const format of ['traefik', 'auto'] as const) {
      for (const agent of ['foo " bar', 'x" "evil" "7']) {
        expect(eventOf(createEventParser({ format }).parseLine(traefikLine(agent), ctx)), agent).toMatchObject({
          service: 'api@docker',
          client: { userAgent: agent },
          response: { status: 200, latencyMs: 23 },
        });
      }
    }
    expect(eventOf(createEventParser({ format: 'traefik' }).parseLine(traefikLine('foo \\" bar'), ctx)).client.userAgent).toBe('foo " bar');
  });

  it('rejects a line without the duration', () => {
    const line = traefikLine('curl/8.5.0').replace(/ 23ms$/, ' 1234');
    expect(createEventParser({ format: 'traefik' }).parseLine(line, ctx)).toMatchObject({ ok: false, reason: 'missing_field' });
  });
});
