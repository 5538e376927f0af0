// The fields the two most common nginx `log_format` variants append to combined: the stock
// nginx.conf `main` format's "$http_x_forwarded_for", and `$request_time` (with
// `$upstream_response_time` after it). Read only from lines that have fields after the user agent;
// any other layout needs VIGIL_NGINX_LOG_FORMAT.

import { findClosingQuote } from '../internal/escapes';
import type { RawAccess } from '../internal/raw-access';
import { secondsToMs } from '../internal/request-line';
import { bareIp, parseIp } from '../normalize/cidr';

/** `$request_time` and every `$upstream_*_time`: seconds with exactly three decimals. */
const SECONDS_WITH_MS = /^\d+\.\d{3}$/;
/** `$upstream_response_time`: one such time per upstream tried, or `-`, joined by `, ` or ` : `. */
const UPSTREAM_TIMES = /^(?:\d+\.\d{3}|-)(?:(?:, ?| : )(?:\d+\.\d{3}|-))*$/;

function isAddressList(value: string): boolean {
  return value.split(',').every((hop) => {
    const ip = bareIp(hop);
    return ip === 'unknown' || parseIp(ip) !== undefined;
  });
}

/** Fills X-Forwarded-For and latencies from s[from, end), the text after the user agent's quote. */
export function readNginxTail(s: string, from: number, end: number, raw: RawAccess): void {
  let pos = from;
  while (pos < end && s.charCodeAt(pos) === 32) pos++;
  if (s.charCodeAt(pos) === 34) {
    const close = findClosingQuote(s, pos + 1, end);
    if (close === -1) return;
    const value = s.slice(pos + 1, close);
    if (value !== '-' && value !== '' && isAddressList(value)) raw.forwardedFor = value;
    pos = close + 1;
    while (pos < end && s.charCodeAt(pos) === 32) pos++;
  }
  let tokenEnd = s.indexOf(' ', pos);
  if (tokenEnd === -1 || tokenEnd > end) tokenEnd = end;
  const requestTime = s.slice(pos, tokenEnd);
  if (!SECONDS_WITH_MS.test(requestTime)) return;
  raw.latencyMs = secondsToMs(requestTime);
  const upstream = s.slice(tokenEnd + 1, end).trim();
  if (upstream === '') return;
  // The list may hold spaces (`0.010, 0.020`), so the rest of the line is the candidate, then its first token.
  const space = upstream.indexOf(' ');
  const candidate = space === -1 || UPSTREAM_TIMES.test(upstream) ? upstream : upstream.slice(0, space);
  if (UPSTREAM_TIMES.test(candidate)) raw.upstreamLatencyMs = secondsToMs(candidate);
}
