// Envoy's default access-log format (also Ambassador's, which prefixes "ACCESS "):
//   [START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS RX TX DURATION UPSTREAM_TIME "XFF" "UA" "REQ_ID" "AUTHORITY" "UPSTREAM"
// and Istio's proxy text format, which puts two or three fields after FLAGS (response code details,
// connection termination details or mixer status, "upstream transport failure reason") and appends
//   UPSTREAM_CLUSTER UPSTREAM_LOCAL DOWNSTREAM_LOCAL DOWNSTREAM_REMOTE SNI ROUTE_NAME

import { FieldReader, present } from '../internal/field-reader';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { applyRequestLine, parseIntField, toNumber } from '../internal/request-line';
import { parseIsoTime } from '../internal/time';

const AMBASSADOR_PREFIX = 'ACCESS ';

/** The most fields Istio's formats put between the response flags and the bytes received. */
const ISTIO_EXTRA_FIELDS = 3;

function isDigits(value: string): boolean {
  return value !== '' && parseIntField(value, 0, value.length, Number.NaN) >= 0;
}

function body(line: string): number {
  return line.startsWith(AMBASSADOR_PREFIX) ? AMBASSADOR_PREFIX.length : 0;
}

export function createEnvoyTextFormat(): FormatParser {
  return {
    name: 'envoy',
    sniffLine(line: string): boolean {
      const at = body(line);
      return line.charCodeAt(at) === 91 && line.charCodeAt(at + 5) === 45 && line.charCodeAt(at + 11) === 84 && line.indexOf(']', at) !== -1;
    },
    parseLine(line: string): RawResult {
      const at = body(line);
      const close = line.indexOf('] "', at);
      if (line.charCodeAt(at) !== 91 || close === -1) return reject('format_mismatch', 'expected [START_TIME] "REQUEST"');
      const raw = newRawAccess('envoy');
      raw.time = parseIsoTime(line.slice(at + 1, close));
      if (Number.isNaN(raw.time)) return reject('invalid_timestamp', line.slice(at + 1, close));
      const fields = new FieldReader(line, close + 2);
      const request = fields.next();
      if (request === undefined) return reject('format_mismatch', 'unterminated "request"');
      if (request === '- - -') return reject('not_an_access_log', 'TCP proxy connection, not an HTTP request');
      applyRequestLine(raw, request);
      const status = fields.next() ?? '';
      raw.status = parseIntField(status, 0, status.length, Number.NaN);
      fields.next();
      // The bytes received come next: a number. Istio writes up to three other fields first.
      let received = fields.next();
      let skipped = 0;
      while (received !== undefined && !isDigits(received) && skipped < ISTIO_EXTRA_FIELDS) {
        received = fields.next();
        skipped++;
      }
      const sent = fields.next() ?? '-';
      raw.bytes = parseIntField(sent, 0, sent.length, 0);
      raw.latencyMs = toNumber(fields.next());
      raw.upstreamLatencyMs = toNumber(fields.next());
      raw.forwardedFor = present(fields.next());
      raw.userAgent = present(fields.next());
      raw.requestId = present(fields.next());
      raw.service = present(fields.next());
      if (skipped > 0) {
        fields.next();
        fields.next();
        fields.next();
        fields.next();
        raw.peerIp = present(fields.next());
      }
      return raw;
    },
  };
}
