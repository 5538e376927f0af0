// Caddy's JSON access log (logger http.log.access*). `client_ip` is the client Caddy resolved with
// its own trusted_proxies, so it is taken as the peer. Status 0 means Caddy wrote no explicit
// status, which older versions logged for a plain 200.

import type { FormatParser } from '../internal/format-parser';
import { headerReader, recordField, stringField, type JsonRecord } from '../internal/json-fields';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { toNumber } from '../internal/request-line';
import { parseAnyTime } from '../internal/time';
import { serviceOfHost } from '../internal/host-service';

/** Milliseconds per unit of a Go duration string (`1.5ms`, `2m3.1s`, `750µs`). */
const GO_DURATION_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, 'μs': 0.001, ns: 0.000_001 };
const GO_DURATION_PART = /(\d+(?:\.\d+)?)(ms|us|µs|μs|ns|h|m|s)/y;

/** A Go duration string to ms; undefined unless the whole text is one. */
function goDurationMs(text: string): number | undefined {
  GO_DURATION_PART.lastIndex = 0;
  let total = 0;
  while (GO_DURATION_PART.lastIndex < text.length) {
    const part = GO_DURATION_PART.exec(text);
    if (part === null) return undefined;
    total += Number(part[1]) * (GO_DURATION_UNITS[part[2] as string] as number);
  }
  return text === '' ? undefined : total;
}

/**
 * `duration` in any of Caddy's duration_format settings: seconds (the default, a fraction),
 * nano (an integer of nanoseconds: a request takes more than 1000 ns, and a time in seconds is never
 * a whole number of them that large) or string (a Go duration, `1.234567ms`).
 */
function durationMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const ms = goDurationMs(value);
    if (ms !== undefined) return Math.round(ms * 1000) / 1000;
  }
  const n = toNumber(value);
  if (n === undefined || n < 0) return undefined;
  return Number.isInteger(n) && n >= 1000 ? Math.round(n / 1000) / 1000 : Math.round(n * 1_000_000) / 1000;
}

export function createCaddyFormat(): FormatParser {
  return {
    name: 'caddy',
    sniffRecord: (record) => {
      const logger = record.logger;
      return typeof logger === 'string' ? logger.startsWith('http.') : 'ts' in record && recordField(record, 'request')?.remote_ip !== undefined;
    },
    parseRecord(record: JsonRecord): RawResult {
      const logger = stringField(record.logger);
      if (logger !== undefined && !logger.startsWith('http.log.access')) return reject('not_an_access_log', `Caddy ${logger} log entry`);
      const request = recordField(record, 'request');
      if (!request) return reject('missing_field', 'request');
      const raw = newRawAccess('caddy');
      raw.record = record;
      raw.time = parseAnyTime(record.ts);
      raw.peerIp = stringField(request.client_ip) ?? stringField(request.remote_ip);
      raw.service = serviceOfHost(stringField(request.host));
      raw.method = stringField(request.method);
      raw.target = stringField(request.uri);
      raw.protocol = stringField(request.proto);
      raw.header = headerReader(recordField(request, 'headers'));
      raw.userAgent = raw.header?.('user-agent');
      raw.requestId = raw.header?.('x-request-id');
      raw.clientId = stringField(record.user_id);
      const status = toNumber(record.status);
      raw.status = status === 0 ? 200 : (status ?? Number.NaN);
      raw.bytes = toNumber(record.size) ?? 0;
      raw.latencyMs = durationMs(record.duration);
      return raw;
    },
  };
}
