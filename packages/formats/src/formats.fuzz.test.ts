// Arbitrary strings, bytes and JSON values never make a parser throw: every input ends as an event
// that passes the contract validator or as a rejection with a known reason. Runs for every format.

import fc from 'fast-check';
import { REJECTION_REASONS, validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from './event-parser';
import { FORMAT_NAMES, type EventParser, type FormatName, type ParseResult } from './types';

const ctx = { source: 'fuzz', receivedAt: 0 };

function parserFor(format: FormatName | 'auto'): EventParser {
  return createEventParser({
    format,
    nginxLogFormat: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time',
    jsonFieldMap: { time: 'ts', 'client.ip': 'ip', 'request.path': 'path', 'request.method': 'method', 'response.status': 'status' },
    normalize: { trustedProxies: ['10.0.0.0/8', 'fd00::/8'], clientIdHeader: 'x-api-key', ipPseudonymizeKey: 'fuzz' },
  });
}

function assertWellFormed(result: ParseResult): void {
  if (result.ok) validateApiAccessEvent(result.event);
  else expect(REJECTION_REASONS).toContain(result.reason);
}

/** Lines built from log-ish fragments reach deeper into the scanners than uniform noise does. */
const logishLine = fc
  .array(
    fc.oneof(
      fc.constantFrom('1.2.3.4', ' - - ', '[10/Oct/2000:13:55:36 -0700]', ' "', '"', 'GET /a/1?token=x HTTP/1.1', ' 200 ', '-', '\\x22', '\\"', '{', '}', ':', '[', ']', ' ', 'ms', 'https ', '2023-04-26T12:23:00.186641Z', 'stdout F ', 'Sep 15 16:13:46 h nginx[1]: ', '::ffff:', '/', '\uFFFD'),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

const bytesAsText = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8'));

const formats: Array<FormatName | 'auto'> = ['auto', ...FORMAT_NAMES];

describe.each(formats)('format %s under fuzzing', (format) => {
  const parser = parserFor(format);

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (line) => assertWellFormed(parser.parseLine(line, ctx))), { numRuns: 300 });
  });

  it('never throws on arbitrary bytes decoded as UTF-8', () => {
    fc.assert(fc.property(bytesAsText, (line) => assertWellFormed(parser.parseLine(line, ctx))), { numRuns: 300 });
  });

  it('never throws on log-shaped noise', () => {
    fc.assert(fc.property(logishLine, (line) => assertWellFormed(parser.parseLine(line, ctx))), { numRuns: 300 });
  });

  it('never throws on arbitrary JSON values, as lines or as objects', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        assertWellFormed(parser.parseObject(value, ctx));
        assertWellFormed(parser.parseLine(JSON.stringify(value) ?? 'null', ctx));
      }),
      { numRuns: 200 },
    );
  });
});
