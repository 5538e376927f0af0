// Hand-written scanner for the Common/Combined Log Format family (nginx combined, Apache common,
// combined and vhost_combined, Traefik CLF): one pass with indexOf, no regex, escape-aware quotes.
//
//   [vhost[:port]] ip ident user [time] "request" status bytes ["referer" "user-agent"] [tail...]
//
// Every function reads the line s[start, end), which may sit inside a larger block of text (the
// collector decodes a request body once, not line by line): nothing is read at or past `end`, and
// searches go through CharFinders so a character a line lacks is not looked for in the whole block.

import { CharFinder } from './char-finder';
import { findClosingQuote, unescapeLogString } from './escapes';
import { applyRequestLine, commonMethodAt, commonProtocolBefore, isHttpAt, isMethod, parseIntField, parseStatusField, protocolAt } from './request-line';
import { reject, type RawAccess } from './raw-access';
import type { Rejection } from '../types';
import { parseClfTime } from './time';

const SPACE = new CharFinder(' ');
const QUOTE = new CharFinder('"');
const OPEN_BRACKET = new CharFinder('[');
const CLOSE_BRACKET = new CharFinder(']');
const BACKSLASH = new CharFinder('\\');
const QUESTION_MARK = new CharFinder('?');

/** Fills raw from the CLF-family line s[start, end); returns where the fields after the user agent start. */
export function scanClf(s: string, start: number, end: number, raw: RawAccess): number | Rejection {
  const open = indexOfSpaceBracket(s, start, end);
  if (open <= start) return reject('format_mismatch', 'no [time] field');
  if (!fillIdentity(s, start, open, raw)) return reject('format_mismatch', 'expected "ip ident user" before [time]');
  const close = CLOSE_BRACKET.in(s, open + 2, end);
  if (close === -1) return reject('format_mismatch', 'unterminated [time]');
  const time = parseClfTime(s, open + 2, close);
  if (Number.isNaN(time)) return reject('invalid_timestamp', s.slice(open + 2, close));
  if (close + 3 > end || s.charCodeAt(close + 1) !== 32 || s.charCodeAt(close + 2) !== 34) {
    return reject('format_mismatch', 'expected "request" after [time]');
  }
  raw.time = time;
  const fast = scanPlainRequestToBytes(s, close + 3, end, raw);
  if (fast !== -1) return scanRefererAndAgent(s, fast, end, raw, tailHasBackslash);
  const requestEnd = requestClosingQuote(s, close + 3, end);
  if (requestEnd === -1) return reject('format_mismatch', 'unterminated "request"');
  applyRequestLine(raw, s.slice(close + 3, requestEnd));
  if (requestEnd + 1 >= end || s.charCodeAt(requestEnd + 1) !== 32) return reject('format_mismatch', 'expected status after "request"');
  const statusStart = requestEnd + 2;
  let statusEnd = SPACE.in(s, statusStart, end);
  if (statusEnd === -1) statusEnd = end;
  raw.status = parseStatusField(s, statusStart, statusEnd);
  if (Number.isNaN(raw.status)) return reject('invalid_status', s.slice(statusStart, statusEnd));
  if (statusEnd === end) return reject('missing_field', 'bytes');
  let bytesEnd = SPACE.in(s, statusEnd + 1, end);
  if (bytesEnd === -1) bytesEnd = end;
  raw.bytes = parseIntField(s, statusEnd + 1, bytesEnd, 0);
  if (Number.isNaN(raw.bytes)) return reject('format_mismatch', 'bytes is not a number');
  return scanRefererAndAgent(s, bytesEnd, end, raw, true);
}

/**
 * Index of the first " [dd/" in s(from, end), the opening of the [time], -1 when none. A search for
 * the one character is a fast native scan; a longer pattern is not. The "/" matters: a user name
 * before the time is the client's to choose, and may hold " [".
 */
function indexOfSpaceBracket(s: string, from: number, end: number): number {
  for (let b = OPEN_BRACKET.in(s, from + 1, end); b !== -1; b = OPEN_BRACKET.in(s, b + 1, end)) {
    if (s.charCodeAt(b - 1) === 32 && s.charCodeAt(b + 3) === 47) return b - 1;
  }
  return -1;
}

/** Set by scanPlainRequestToBytes: whether the line has a backslash after the request. */
let tailHasBackslash = true;

/**
 * The common case: a request line with no backslash, closed by a quote that a 3-digit status
 * follows, and a numeric byte count. Fills method, target (the path; the query apart), protocol,
 * status and bytes and returns where the bytes end; -1, having written nothing, for anything else,
 * which the general path then reads exactly as it always has. Native single-character searches
 * rather than a character loop: they cost the same for 5 characters as for 100.
 */
function scanPlainRequestToBytes(s: string, start: number, end: number, raw: RawAccess): number {
  const q = QUOTE.in(s, start, end);
  if (q === -1 || !isStatusAfter(s, q, end)) return -1;
  const backslash = BACKSLASH.in(s, start, end);
  if (backslash !== -1 && backslash < q) return -1;
  tailHasBackslash = backslash !== -1;
  const bytesStart = q + 6;
  let bytesEnd = bytesStart;
  let bytes = 0;
  for (; bytesEnd < end; bytesEnd++) {
    const d = s.charCodeAt(bytesEnd) - 48;
    if (d < 0 || d > 9) break;
    bytes = bytes * 10 + d;
  }
  if (bytesEnd === bytesStart || (bytesEnd < end && s.charCodeAt(bytesEnd) !== 32)) return -1;

  raw.status = (s.charCodeAt(q + 2) - 48) * 100 + (s.charCodeAt(q + 3) - 48) * 10 + (s.charCodeAt(q + 4) - 48);
  raw.bytes = bytes;
  const first = SPACE.in(s, start, q);
  let method = first === -1 ? undefined : commonMethodAt(s, start, first);
  if (method === undefined && first !== -1) {
    method = s.slice(start, first);
    if (!isMethod(method)) method = undefined;
  }
  if (method === undefined) {
    raw.method = '-';
    raw.target = '-';
    return bytesEnd;
  }
  raw.method = method;
  let targetEnd = q;
  // Mostly "... HTTP/1.1": the protocol and the space before it, told without a search.
  const common = q - 9 > first && s.charCodeAt(q - 9) === 32 ? commonProtocolBefore(s, q) : undefined;
  if (common !== undefined) {
    targetEnd = q - 9;
    raw.protocol = common;
  } else {
    let last = q - 1;
    while (s.charCodeAt(last) !== 32) last--;
    if (last > first && last + 6 <= q && isHttpAt(s, last + 1)) {
      targetEnd = last;
      raw.protocol = protocolAt(s, last + 1, q);
    }
  }
  if (targetEnd === first + 1) {
    raw.target = '-';
    return bytesEnd;
  }
  const question = QUESTION_MARK.in(s, first + 1, targetEnd);
  if (question !== -1) {
    raw.target = s.slice(first + 1, question);
    raw.query = s.slice(question + 1, targetEnd);
  } else {
    raw.target = s.slice(first + 1, targetEnd);
  }
  return bytesEnd;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether ` ddd ` follows the quote at `quote`, inside the line. */
function isStatusAfter(s: string, quote: number, end: number): boolean {
  return (
    quote + 5 < end &&
    s.charCodeAt(quote + 1) === 32 &&
    isDigit(s.charCodeAt(quote + 2)) &&
    isDigit(s.charCodeAt(quote + 3)) &&
    isDigit(s.charCodeAt(quote + 4)) &&
    s.charCodeAt(quote + 5) === 32
  );
}

/** Whether ` - ` or ` -1 ` (no response was sent: Traefik, HAProxy) follows the quote at `quote`. */
function isNoResponseAfter(s: string, quote: number, end: number): boolean {
  if (quote + 3 >= end || s.charCodeAt(quote + 1) !== 32 || s.charCodeAt(quote + 2) !== 45) return false;
  const next = s.charCodeAt(quote + 3);
  return next === 32 || (next === 49 && quote + 4 < end && s.charCodeAt(quote + 4) === 32);
}

/**
 * The quote closing the request. Old Apache versions wrote quotes inside the request unescaped
 * (`"GET" /x?a=' HTTP/1.0" 501`), so a quote not followed by a status is skipped when a later one is.
 */
function requestClosingQuote(s: string, from: number, end: number): number {
  const quote = findClosingQuote(s, from, end);
  if (quote === -1 || isStatusAfter(s, quote, end) || isNoResponseAfter(s, quote, end)) return quote;
  for (let q = QUOTE.in(s, quote + 1, end); q !== -1; q = QUOTE.in(s, q + 1, end)) {
    if (isStatusAfter(s, q, end)) return q;
  }
  return quote;
}

/** `escapes`: false when the line has no backslash after `from`, so nothing needs unescaping. */
function scanRefererAndAgent(s: string, from: number, end: number, raw: RawAccess, escapes: boolean): number {
  if (from + 2 > end || s.charCodeAt(from) !== 32 || s.charCodeAt(from + 1) !== 34) return from;
  const refererEnd = findClosingQuote(s, from + 2, end);
  if (refererEnd === -1 || refererEnd + 3 > end || s.charCodeAt(refererEnd + 1) !== 32 || s.charCodeAt(refererEnd + 2) !== 34) return from;
  const agentEnd = findClosingQuote(s, refererEnd + 3, end);
  if (agentEnd === -1) return from;
  const length = agentEnd - refererEnd - 3;
  if (length === 0 || (length === 1 && s.charCodeAt(agentEnd - 1) === 45)) raw.userAgent = undefined;
  else {
    const agent = s.slice(refererEnd + 3, agentEnd);
    raw.userAgent = escapes ? unescapeLogString(agent) : agent;
  }
  return agentEnd + 1;
}

/**
 * Tokens of s[start, open) before [time]: "ip ident user", "vhost ip ident user", or "ip user"
 * (ident dropped). The ip may be a list of addresses ("a, b"), kept as one token: Traefik writes
 * its X-Forwarded-For header there, and its parser reads the list as such.
 */
function fillIdentity(s: string, start: number, open: number, raw: RawAccess): boolean {
  let s1 = SPACE.in(s, start, open + 1);
  // An address list "a, b" is one token (Traefik writes the X-Forwarded-For header there).
  while (s1 > start && s1 < open && s.charCodeAt(s1 - 1) === 44) s1 = SPACE.in(s, s1 + 1, open + 1);
  if (s1 <= start || s1 === open) return false;
  // Mostly "ip - - [": two one-character tokens, told without another search.
  if (s1 + 4 === open && s.charCodeAt(s1 + 2) === 32 && s.charCodeAt(s1 + 1) !== 32 && s.charCodeAt(s1 + 3) !== 32) {
    raw.peerIp = s.slice(start, s1);
    return true;
  }
  const s2 = SPACE.in(s, s1 + 1, open + 1);
  // "ip user", or "ip - user": the user is the rest, spaces and all. nginx and Apache log the user
  // name of any Basic credentials a client sends, unescaped spaces included, so counting tokens
  // would let a client make its address read as a virtual host, or its line not parse at all.
  if (s2 === open || isDashToken(s, s1, s2)) {
    raw.peerIp = s.slice(start, s1);
    return true;
  }
  const s3 = SPACE.in(s, s2 + 1, open + 1);
  if (s3 === open) {
    raw.peerIp = s.slice(start, s1);
    return true;
  }
  // "vhost ip - user", the user again the rest.
  if (isDashToken(s, s2, s3) || SPACE.in(s, s3 + 1, open + 1) === open) {
    raw.service = s.slice(start, s1);
    raw.peerIp = s.slice(s1 + 1, s2);
    return true;
  }
  return false;
}

/** Whether the token between the spaces at `before` and `after` is "-". */
function isDashToken(s: string, before: number, after: number): boolean {
  return after === before + 2 && s.charCodeAt(before + 1) === 45;
}

/**
 * How far into a CLF line the [time] may open. The user name before it is whatever Basic
 * credentials the client sent (nginx reads request headers of up to 8 KiB by default), so a
 * tighter bound would let a client make its lines unrecognised under auto-detection.
 */
const MAX_TIME_OFFSET = 8192;

/** Cheap test used by auto-detection: "token ... [dd/Mon/yyyy:" with a quote after the time. */
export function looksLikeClf(s: string, start = 0, end = s.length): boolean {
  const open = indexOfSpaceBracket(s, start, end);
  return (
    open > start &&
    open - start < MAX_TIME_OFFSET &&
    open + 8 < end &&
    s.charCodeAt(open + 4) === 47 &&
    s.charCodeAt(open + 8) === 47 &&
    hasBracketQuote(s, open, end)
  );
}

/** Whether `] "` occurs in s[from, end): one-character searches, as for " [". */
function hasBracketQuote(s: string, from: number, end: number): boolean {
  for (let b = CLOSE_BRACKET.in(s, from, end); b !== -1; b = CLOSE_BRACKET.in(s, b + 1, end)) {
    if (b + 2 < end && s.charCodeAt(b + 1) === 32 && s.charCodeAt(b + 2) === 34) return true;
  }
  return false;
}

/** Traefik's CLF ends with the duration, `42ms`; nginx and Apache lines never do. */
export function endsWithMs(s: string, start = 0, end = s.length): boolean {
  if (end - start < 3) return false;
  const c = s.charCodeAt(end - 3);
  return s.charCodeAt(end - 1) === 115 && s.charCodeAt(end - 2) === 109 && c >= 48 && c <= 57;
}
