// HAProxy's HTTP log (`option httplog`), usually behind a syslog header that the line reader strips:
//   client:port [accept date] frontend backend/server [host] Tq/Tw/Tc/Tr/Tt status bytes ... "request"
// The accept date carries no zone: it is read as UTC. Also `option httplog clf`, a combined line
// whose referer and user agent are always "" followed by
//   client_port ms "frontend" "backend" "server" TR Tw Tc Tr Ta "term_state" ...

import { addressOfAddressPort } from '../internal/address-port';
import { endsWithMs, looksLikeClf, scanClf } from '../internal/clf-scanner';
import { FieldReader, present } from '../internal/field-reader';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawAccess, type RawResult } from '../internal/raw-access';
import { applyRequestLine, parseIntField, parseStatusField } from '../internal/request-line';
import { parseClfTime } from '../internal/time';

/** Splits "Tq/Tw/Tc/Tr/Tt"; undefined unless it is five slash-separated integers (+ and - allowed). */
function parseTimers(token: string): number[] | undefined {
  const parts = token.split('/');
  if (parts.length !== 5) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (part === '' || !Number.isInteger(n)) return undefined;
    values.push(n);
  }
  return values;
}

/** Tr (server response time) is the upstream latency, the last timer (Tt, Ta) the latency; -1 is "never reached". */
function applyTimers(raw: RawAccess, serverResponse: number, total: number): void {
  raw.latencyMs = total >= 0 ? total : undefined;
  raw.upstreamLatencyMs = serverResponse >= 0 ? serverResponse : undefined;
}

/** An integer field of the CLF variant (port, ms, timers; `+` as option logasap writes); NaN otherwise. */
function integerField(value: string | undefined): number {
  return value === undefined || value === '' || !/^[+-]?\d+$/.test(value) ? Number.NaN : Number(value);
}

/** `option httplog clf`: the combined fields, then HAProxy's own after the empty referer and agent. */
function parseClfVariant(line: string): RawResult {
  const raw = newRawAccess('haproxy');
  const tail = scanClf(line, 0, line.length, raw);
  if (typeof tail !== 'number') return tail;
  const fields = new FieldReader(line, tail);
  const port = integerField(fields.next());
  const millis = integerField(fields.next());
  fields.next();
  const backend = fields.next();
  fields.next();
  const timers = [fields.next(), fields.next(), fields.next(), fields.next(), fields.next()].map(integerField);
  if (Number.isNaN(port) || Number.isNaN(millis) || timers.some(Number.isNaN)) {
    return reject('format_mismatch', 'not HAProxy\'s httplog clf: expected port, ms, frontend, backend, server and five timers after the user agent');
  }
  raw.service = present(backend);
  applyTimers(raw, timers[3] as number, timers[4] as number);
  return raw;
}

function sniffHaproxy(line: string): boolean {
  const open = line.indexOf(' [');
  return open > 0 && open < 60 && line.indexOf(' ') === open && line.charCodeAt(open + 4) === 47 && line.charCodeAt(open + 13) === 58;
}

export function createHaproxyFormat(): FormatParser {
  return {
    name: 'haproxy',
    sniffLine: (line) => sniffHaproxy(line) || (looksLikeClf(line) && !endsWithMs(line)),
    parseLine(line: string): RawResult {
      const open = line.indexOf(' [');
      if (open > 0 && line.indexOf(' ') !== open && looksLikeClf(line)) return parseClfVariant(line);
      if (open <= 0 || line.indexOf(' ') !== open) return reject('format_mismatch', 'expected "client:port [date]" or httplog clf');
      const close = line.indexOf('] ', open);
      if (close === -1) return reject('format_mismatch', 'unterminated [date]');
      const raw = newRawAccess('haproxy');
      raw.peerIp = addressOfAddressPort(line.slice(0, open));
      raw.time = parseClfTime(line, open + 2, close);
      if (Number.isNaN(raw.time)) return reject('invalid_timestamp', line.slice(open + 2, close));
      const quote = line.indexOf(' "', close);
      const head = line.slice(close + 2, quote === -1 ? line.length : quote).split(' ');
      const timersAt = head.findIndex((token, i) => i >= 2 && i <= 3 && parseTimers(token) !== undefined);
      if (timersAt === -1 || quote === -1) return reject('not_an_access_log', 'HAProxy event without an HTTP request (TCP or TLS message)');
      const timers = parseTimers(head[timersAt] as string) as number[];
      const backend = head[1] ?? '';
      raw.service = backend.slice(0, backend.indexOf('/') === -1 ? backend.length : backend.indexOf('/'));
      applyTimers(raw, timers[3] as number, timers[4] as number);
      const status = head[timersAt + 1] ?? '';
      raw.status = parseStatusField(status, 0, status.length);
      const bytes = (head[timersAt + 2] ?? '').replace(/^\+/, '');
      raw.bytes = parseIntField(bytes, 0, bytes.length, 0);
      const requestEnd = line.indexOf('"', quote + 2);
      if (requestEnd === -1) return reject('format_mismatch', 'unterminated "request"');
      applyRequestLine(raw, line.slice(quote + 2, requestEnd), false);
      return raw;
    },
  };
}
