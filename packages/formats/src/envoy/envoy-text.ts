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
import { serviceOfHost } from '../internal/host-service';

const AMBASSADOR_PREFIX = 'ACCESS ';

/** The most fields Istio's formats put between the response flags and the bytes received. */
const ISTIO_EXTRA_FIELDS = 3;

function isDigits(value: string): boolean {
  return value !== '' && parseIntField(value, 0, value.length, Number.NaN) >= 0;
}

/**
 * The quote closing the request: the first one followed by ` <status> `. Envoy writes the path as the
 * client sent it, quotes included, so the first quote may be inside it.
 */
function requestClosingQuote(line: string, from: number): number {
  const first = line.indexOf('"', from);
  for (let q = first; q !== -1; q = line.indexOf('"', q + 1)) {
    const space = line.indexOf(' ', q + 2);
    if (line.charCodeAt(q + 1) === 32 && space > q + 2 && isDigits(line.slice(q + 2, space))) return q;
  }
  return first;
}

/** The quoted fields after the upstream time, "XFF" "UA" "REQ_ID" "AUTHORITY" "UPSTREAM_HOST". */
const QUOTED_TAIL_FIELDS = 5;

/**
 * Splits the quoted fields from `from` to the line's last quote at `" "`, and the unquoted fields
 * after it (Istio's) at spaces. Envoy writes header values unescaped: a quote inside the user agent
 * moves no other field, and the extra pieces a `" "` inside it makes are joined back into it.
 */
function quotedTail(line: string, from: number): { quoted: string[]; after: string[] } {
  const open = line.indexOf('"', from);
  const close = line.lastIndexOf('"');
  if (open === -1 || close <= open) return { quoted: [], after: [] };
  const quoted = line.slice(open + 1, close).split('" "');
  const extra = quoted.length - QUOTED_TAIL_FIELDS;
  if (extra > 0) quoted.splice(1, extra + 1, quoted.slice(1, extra + 2).join('" "'));
  return { quoted, after: line.slice(close + 1).trim().split(' ') };
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
      const requestEnd = requestClosingQuote(line, close + 3);
      if (requestEnd === -1) return reject('format_mismatch', 'unterminated "request"');
      const request = line.slice(close + 3, requestEnd);
      if (request === '- - -') return reject('not_an_access_log', 'TCP proxy connection, not an HTTP request');
      applyRequestLine(raw, request, false);
      const fields = new FieldReader(line, requestEnd + 1);
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
      const tail = quotedTail(line, fields.position);
      raw.forwardedFor = present(tail.quoted[0]);
      raw.userAgent = present(tail.quoted[1]);
      raw.requestId = present(tail.quoted[2]);
      raw.service = serviceOfHost(present(tail.quoted[3]));
      if (skipped > 0) raw.peerIp = present(tail.after[3]);
      return raw;
    },
  };
}
