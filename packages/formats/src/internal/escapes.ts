// Undoes the escaping gateways apply inside quoted log fields: nginx writes `"` as \x22 and
// non-ASCII bytes as \xHH; Apache writes \" and \\; nginx escape=json writes \uXXXX, \n, \t ...

import { CharFinder } from './char-finder';

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

function hexValue(s: string, from: number, count: number): number {
  if (from + count > s.length) return -1;
  const n = Number.parseInt(s.slice(from, from + count), 16);
  return Number.isNaN(n) || !/^[0-9a-fA-F]+$/.test(s.slice(from, from + count)) ? -1 : n;
}

/** Returns s itself when it holds no backslash (the common case, no allocation). */
export function unescapeLogString(s: string): string {
  if (s.indexOf('\\') === -1) return s;
  const bytes: number[] = [];
  const flushText = (text: string): void => {
    for (const b of Buffer.from(text, 'utf8')) bytes.push(b);
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c !== '\\' || i + 1 >= s.length) {
      flushText(c);
      i++;
      continue;
    }
    const next = s[i + 1] as string;
    if (next === 'x') {
      const v = hexValue(s, i + 2, 2);
      if (v >= 0) {
        bytes.push(v);
        i += 4;
        continue;
      }
    } else if (next === 'u') {
      const v = hexValue(s, i + 2, 4);
      if (v >= 0) {
        flushText(String.fromCharCode(v));
        i += 6;
        continue;
      }
    } else if (Object.hasOwn(SIMPLE, next)) {
      flushText(SIMPLE[next] as string);
      i += 2;
      continue;
    }
    flushText(c);
    i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

const QUOTE = new CharFinder('"');

/**
 * Index of the `"` in s[from, end) closing a quoted field that opens before `from`, skipping
 * backslash-escaped quotes (Apache's \"). -1 when there is none. `end` bounds a line read inside a
 * larger block of text.
 */
export function findClosingQuote(s: string, from: number, end = s.length): number {
  let q = QUOTE.in(s, from, end);
  while (q !== -1) {
    let backslashes = 0;
    for (let k = q - 1; k >= from && s.charCodeAt(k) === 92; k--) backslashes++;
    if ((backslashes & 1) === 0) return q;
    q = QUOTE.in(s, q + 1, end);
  }
  return -1;
}
