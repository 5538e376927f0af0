// AWS CloudFront standard (access) logs: W3C extended format, tab-separated, in the fixed field order
// CloudFront documents. Newer fields are only ever appended, so the order is read by position and a
// line must carry at least the fields up to cs-protocol-version. `#Version`/`#Fields` header lines
// are comments, which the caller rejects as not_an_access_log.

import { present } from '../internal/field-reader';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { parseIntField, secondsToMs } from '../internal/request-line';
import { parseIsoTime } from '../internal/time';

const DATE = 0;
const TIME = 1;
const SC_BYTES = 3;
const C_IP = 4;
const CS_METHOD = 5;
const CS_HOST = 6;
const CS_URI_STEM = 7;
const SC_STATUS = 8;
const CS_USER_AGENT = 10;
const CS_URI_QUERY = 11;
// 12 is cs(Cookie): deliberately never read, cookies carry sessions.
const X_EDGE_REQUEST_ID = 14;
const X_HOST_HEADER = 15;
const TIME_TAKEN = 18;
const X_FORWARDED_FOR = 19;
const CS_PROTOCOL_VERSION = 23;
const MIN_FIELDS = CS_PROTOCOL_VERSION + 1;

/** `yyyy-mm-dd<TAB>hh:mm:ss<TAB>`: the shape every CloudFront line starts with. */
function looksLikeCloudFront(line: string): boolean {
  const c = line.charCodeAt(0);
  return c >= 48 && c <= 57 && line.charCodeAt(4) === 45 && line.charCodeAt(7) === 45 && line.charCodeAt(10) === 9 && line.charCodeAt(13) === 58 && line.charCodeAt(19) === 9;
}

/** CloudFront URL-encodes the user agent (spaces as %20, some bytes twice); undecodable text stays as logged. */
function decodeUserAgent(value: string | undefined): string | undefined {
  const logged = present(value);
  if (logged === undefined || logged.indexOf('%') === -1) return logged;
  try {
    return decodeURIComponent(logged);
  } catch {
    return logged;
  }
}

export function createAwsCloudFrontFormat(): FormatParser {
  return {
    name: 'aws-cloudfront',
    sniffLine: looksLikeCloudFront,
    parseLine(line: string): RawResult {
      if (!looksLikeCloudFront(line)) return reject('format_mismatch', 'expected a tab-separated CloudFront log line');
      const fields = line.split('\t');
      if (fields.length < MIN_FIELDS) return reject('missing_field', `expected at least ${MIN_FIELDS} tab-separated fields, got ${fields.length}`);
      const field = (index: number): string => fields[index] ?? '';
      const raw = newRawAccess('aws-cloudfront');
      raw.time = parseIsoTime(`${field(DATE)}T${field(TIME)}Z`);
      if (Number.isNaN(raw.time)) return reject('invalid_timestamp');
      const bytes = field(SC_BYTES);
      raw.bytes = parseIntField(bytes, 0, bytes.length, 0);
      if (Number.isNaN(raw.bytes)) return reject('missing_field', 'sc-bytes');
      raw.peerIp = present(field(C_IP));
      raw.method = present(field(CS_METHOD));
      raw.target = present(field(CS_URI_STEM));
      raw.query = present(field(CS_URI_QUERY));
      const status = field(SC_STATUS);
      raw.status = parseIntField(status, 0, status.length, Number.NaN);
      raw.userAgent = decodeUserAgent(field(CS_USER_AGENT));
      raw.requestId = present(field(X_EDGE_REQUEST_ID));
      raw.service = present(field(X_HOST_HEADER)) ?? present(field(CS_HOST));
      raw.latencyMs = secondsToMs(field(TIME_TAKEN));
      raw.forwardedFor = present(field(X_FORWARDED_FOR));
      raw.protocol = present(field(CS_PROTOCOL_VERSION));
      return raw;
    },
  };
}
