// HAProxy's HTTP log (`option httplog`), usually behind a syslog header that the line reader strips:
//   client:port [accept date] frontend backend/server [host] Tq/Tw/Tc/Tr/Tt status bytes ... "request"
// The accept date carries no zone: it is read as UTC.

import { addressOfAddressPort } from '../internal/address-port';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { applyRequestLine, parseIntField } from '../internal/request-line';
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

function sniffHaproxy(line: string): boolean {
  const open = line.indexOf(' [');
  return open > 0 && open < 60 && line.indexOf(' ') === open && line.charCodeAt(open + 4) === 47 && line.charCodeAt(open + 13) === 58;
}

export function createHaproxyFormat(): FormatParser {
  return {
    name: 'haproxy',
    sniffLine: sniffHaproxy,
    parseLine(line: string): RawResult {
      const open = line.indexOf(' [');
      if (open <= 0 || line.indexOf(' ') !== open) return reject('format_mismatch', 'expected "client:port [date]"');
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
      raw.latencyMs = (timers[4] as number) >= 0 ? (timers[4] as number) : undefined;
      raw.upstreamLatencyMs = (timers[3] as number) >= 0 ? (timers[3] as number) : undefined;
      const status = head[timersAt + 1] ?? '';
      raw.status = parseIntField(status, 0, status.length, Number.NaN);
      const bytes = (head[timersAt + 2] ?? '').replace(/^\+/, '');
      raw.bytes = parseIntField(bytes, 0, bytes.length, 0);
      const requestEnd = line.indexOf('"', quote + 2);
      if (requestEnd === -1) return reject('format_mismatch', 'unterminated "request"');
      applyRequestLine(raw, line.slice(quote + 2, requestEnd), false);
      return raw;
    },
  };
}
