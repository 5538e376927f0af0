// Splits an HTTP request line ("GET /path?q HTTP/1.1") into the draft. A line that is not one (a TLS
// handshake on a plain port, "-" for a closed connection) is still a request the client made: it
// keeps method and path "-" so rates and error ratios count it.

import { NO_RESPONSE_STATUS } from '@vigil/contract';
import { unescapeLogString } from './escapes';
import type { RawAccess } from './raw-access';

/** `escaped`: the gateway backslash-escapes inside quotes (nginx, Apache, Envoy); HAProxy does not. */
export function applyRequestLine(raw: RawAccess, loggedLine: string, escaped = true): void {
  const line = escaped ? unescapeLogString(loggedLine) : loggedLine;
  const first = line.indexOf(' ');
  if (first === -1 || !isMethod(line, first)) {
    raw.method = '-';
    raw.target = '-';
    return;
  }
  raw.method = line.slice(0, first);
  const last = line.lastIndexOf(' ');
  if (last > first && line.startsWith('HTTP/', last + 1)) {
    raw.target = line.slice(first + 1, last);
    raw.protocol = line.slice(last + 1);
  } else {
    raw.target = line.slice(first + 1);
  }
  if (raw.target === '') raw.target = '-';
}

/** An HTTP method token: 1 to 32 of A-Z, "-" and "_", starting with a letter ("-" is a log's placeholder). */
export function isMethod(s: string, end = s.length): boolean {
  const first = s.charCodeAt(0);
  if (end < 1 || end > 32 || first < 65 || first > 90) return false;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || c === 45 || c === 95)) return false;
  }
  return true;
}

/** Whether s holds `text` at `at`, compared character by character. */
function holdsAt(s: string, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (s.charCodeAt(at + i) !== text.charCodeAt(i)) return false;
  }
  return true;
}

/** The shared string for s[start, end) when it is one of the methods almost every line carries. */
export function commonMethodAt(s: string, start: number, end: number): string | undefined {
  switch (end - start) {
    case 3:
      if (holdsAt(s, start, 'GET')) return 'GET';
      if (holdsAt(s, start, 'PUT')) return 'PUT';
      break;
    case 4:
      if (holdsAt(s, start, 'POST')) return 'POST';
      if (holdsAt(s, start, 'HEAD')) return 'HEAD';
      break;
    case 5:
      if (holdsAt(s, start, 'PATCH')) return 'PATCH';
      break;
    case 6:
      if (holdsAt(s, start, 'DELETE')) return 'DELETE';
      break;
    case 7:
      if (holdsAt(s, start, 'OPTIONS')) return 'OPTIONS';
      break;
  }
  return undefined;
}

/** The shared string for s[end - 8, end) when it is HTTP/1.1, HTTP/1.0 or HTTP/2.0. */
export function commonProtocolBefore(s: string, end: number): string | undefined {
  const start = end - 8;
  if (start < 0 || !isHttpAt(s, start) || s.charCodeAt(start + 6) !== 46) return undefined;
  const major = s.charCodeAt(start + 5);
  const minor = s.charCodeAt(start + 7);
  if (major === 49 && minor === 49) return 'HTTP/1.1';
  if (major === 49 && minor === 48) return 'HTTP/1.0';
  if (major === 50 && minor === 48) return 'HTTP/2.0';
  return undefined;
}

/** Whether s holds "HTTP/" at `at`. */
export function isHttpAt(s: string, at: number): boolean {
  return holdsAt(s, at, 'HTTP/');
}

/** s[start, end) as a string: the shared one for HTTP/1.1, HTTP/1.0 and HTTP/2.0. */
export function protocolAt(s: string, start: number, end: number): string {
  return (end - start === 8 ? commonProtocolBefore(s, end) : undefined) ?? s.slice(start, end);
}

/** Parses an integer field; "-" and empty mean `dash`. NaN when not a number. */
export function parseIntField(s: string, start: number, end: number, dash: number): number {
  if (end <= start || (end - start === 1 && s.charCodeAt(start) === 45)) return dash;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A status field: its digits, or NO_RESPONSE_STATUS for `-1` (HAProxy) and `-` (Traefik CLF), which
 * gateways write when no response was sent. NaN when it is neither.
 */
export function parseStatusField(s: string, start: number, end: number): number {
  if (s.charCodeAt(start) === 45 && (end - start === 1 || (end - start === 2 && s.charCodeAt(start + 1) === 49))) return NO_RESPONSE_STATUS;
  return end > start ? parseIntField(s, start, end, Number.NaN) : Number.NaN;
}

/** Seconds with a fraction ("0.123", "-" = undefined) to milliseconds. Sums nginx's "0.1, 0.2" lists. */
export function secondsToMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === '-') return undefined;
  if (value.indexOf(',') !== -1 || value.indexOf(':') !== -1) {
    let total = 0;
    let any = false;
    for (const part of value.split(/[,:]/)) {
      const ms = secondsToMs(part.trim());
      if (ms !== undefined) {
        total += ms;
        any = true;
      }
    }
    return any ? Math.round(total * 1000) / 1000 : undefined;
  }
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1_000_000) / 1000 : undefined;
}

/** A number or numeric string to a finite number, else undefined ("-" included). */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value === '' || value === '-') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
