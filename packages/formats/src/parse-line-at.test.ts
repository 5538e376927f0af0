// parseLineAt reads a line inside a block of text in place; it must give exactly what parseLine gives
// the same line on its own, whatever surrounds the line in the block. Two parsers with the same
// options read the same sequence (normalization keeps state: route and service caps), one line by
// line, the other in place, for real gateway logs, simulated traffic and generated lines.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nginxTraffic } from '../../../bench/lib/nginx-traffic';
import { createEventParser } from './event-parser';
import { forEachLineInBlocks } from './text-blocks';
import type { EventParserOptions, FormatName } from './types';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const REAL_LOGS = join(resolve(process.env.VIGIL_FIXTURES_DIR ?? join(REPO_ROOT, '../shared/fixtures')), 'real-logs');
const ctx = { source: 'test', receivedAt: 0 };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Parses every line of `text` both ways and expects the same result for each. */
function expectSameBothWays(text: string, options: EventParserOptions): number {
  const alone = createEventParser(options);
  const inPlace = createEventParser(options);
  let lines = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    expect(inPlace.parseLineAt(text, start, end, ctx), JSON.stringify(line)).toEqual(alone.parseLine(line, ctx));
    expect(inPlace.lastDetected()).toBe(alone.lastDetected());
    lines++;
    start = end + 1;
  }
  return lines;
}

const formats: Array<FormatName | 'auto'> = ['auto', 'nginx', 'apache', 'traefik'];

describe('parseLineAt', () => {
  it.each(formats)('matches parseLine on every real-log fixture line (%s)', (format) => {
    let lines = 0;
    for (const file of filesUnder(REAL_LOGS).filter((f) => !f.endsWith('.md'))) {
      lines += expectSameBothWays(readFileSync(file, 'utf8'), { format });
    }
    expect(lines).toBeGreaterThan(1000);
    // Every fixture line twice with a deep comparison: near 4 s on a busy 2-core host.
  }, 30_000);

  it('matches parseLine on simulated nginx traffic, with caps small enough to overflow', () => {
    const { lines } = nginxTraffic({ lines: 5000, seed: 4 });
    const text = lines.join('\n');
    expect(expectSameBothWays(text, { format: 'nginx', normalize: { routeMaxPerService: 5, routeMaxServices: 2 } })).toBe(5000);
    expect(expectSameBothWays(text, { format: 'auto', normalize: { redactQueryParams: ['q', 'page'], ipPseudonymizeKey: 'k' } })).toBe(5000);
  });

  const fragment = fc.constantFrom(
    '203.0.113.9', 'api.example.com:443 ', ' - - ', ' - alice ', '[10/Oct/2000:13:55:36 -0700]', '[10/Oct/2000:13:55:37 +0000]',
    '[10/Oct/2000:13:55:36.123]', ' "', '"', 'GET /a/1?token=x HTTP/1.1', 'POST /v1/users/5f0c3e9a1b2c HTTP/2.0', 'GET ', '/x y',
    ' HTTP/1.0', ' 200 ', ' 404 512', ' 1x7', '-', '\\x22', '\\"', '\\\\', '?', '??', '{', ' ', 'ms', ' 12ms', '\r', 'stdout F ',
    'Sep 15 16:13:46 h nginx[1]: ', '<13>', '\uFFFD', 'é', '😀',
  );
  const line = fc.array(fc.oneof({ weight: 4, arbitrary: fragment }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 24 }).map((parts) => parts.join(''));
  const wellFormed = fc
    .record({
      ip: fc.constantFrom('10.0.0.1', '2001:db8::1', '[2001:db8::2]:443', '-'),
      user: fc.constantFrom('-', 'bob'),
      time: fc.constantFrom('10/Oct/2000:13:55:36 -0700', '10/Oct/2000:13:55:36 +0000', '10/Oct/2000:13:55:37 -0700'),
      request: fc.oneof(fc.constantFrom('GET / HTTP/1.1', '-', 'GET /a?b HTTP/1.0', 'OPTIONS * HTTP/1.1'), fc.string({ maxLength: 30 })),
      status: fc.constantFrom('200', '404', '99', '2000', '-'),
      bytes: fc.constantFrom('0', '512', '-', '12a'),
      tail: fc.oneof(fc.constantFrom('', ' "-" "-"', ' "https://r/" "curl/8"', ' "a" "b\\"c"', ' "a" "unclosed', ' "-" "ua" 3 "r@d" "http://s" 5ms'), fc.string({ maxLength: 20 })),
    })
    .map((f) => `${f.ip} - ${f.user} [${f.time}] "${f.request}" ${f.status} ${f.bytes}${f.tail}`);

  it.each(formats)('matches parseLine on generated lines, whatever the block holds around them (%s)', (format) => {
    fc.assert(
      fc.property(fc.array(fc.oneof(line, wellFormed), { minLength: 1, maxLength: 12 }), (lines) => {
        expectSameBothWays(lines.join('\n'), { format });
      }),
      { numRuns: 400 },
    );
  });

  it.each(formats)('reads nothing past the end it is given, whatever follows (%s)', (format) => {
    fc.assert(
      fc.property(fc.oneof(line, wellFormed), fc.oneof(line, fc.constantFrom(' "r" "ua"', ' 200 5', '"', ' ', '5', 'ms')), (text, after) => {
        const alone = createEventParser({ format });
        const inPlace = createEventParser({ format });
        expect(inPlace.parseLineAt(`${after}${text}${after}`, after.length, after.length + text.length, ctx)).toEqual(alone.parseLine(text, ctx));
      }),
      { numRuns: 600 },
    );
  });
});

describe('forEachLineInBlocks', () => {
  it('gives the lines a split on newlines gives, without a "\\r" before the newline, across block boundaries', () => {
    const lineText = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', '\r', '"', 'x'.repeat(700)), maxLength: 120 });
    fc.assert(
      fc.property(fc.array(lineText, { maxLength: 400 }), fc.boolean(), (lines, finalNewline) => {
        const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
        const seen: string[] = [];
        forEachLineInBlocks(Buffer.from(text, 'utf8'), (block, start, end) => seen.push(block.slice(start, end)));
        // A newline ends a line; nothing after the last one is no line.
        const expected = text === '' ? [] : (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        expect(seen).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
