import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

/** `option httplog` as HAProxy 2.x writes it; `client` is `%ci:%cp`. */
const httplog = (client: string) =>
  `${client} [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"`;

describe('haproxy option httplog', () => {
  it('takes the port off an IPv6 client, which HAProxy writes without brackets', () => {
    const parser = createEventParser({ format: 'haproxy' });
    expect(eventOf(parser.parseLine(httplog('2001:db8::5:33317'), ctx)).client.ip).toBe('2001:db8::5');
    expect(eventOf(parser.parseLine(httplog('::ffff:10.0.1.2:33317'), ctx)).client.ip).toBe('::ffff:10.0.1.2');
    expect(eventOf(parser.parseLine(httplog('10.0.1.2:33317'), ctx)).client.ip).toBe('10.0.1.2');
  });
});
