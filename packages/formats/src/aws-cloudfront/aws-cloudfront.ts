// AWS CloudFront standard (access) logs: W3C extended format, tab-separated. Without a `#Fields`
// header the fields are in the order CloudFront documents (newer fields only ever appended), and a
// line must carry at least the fields up to cs-protocol-version; a `#Fields` header (standard logging
// v2 lets fields be left out) gives the order of the lines after it. Header lines are rejected as
// not_an_access_log.

import { present } from '../internal/field-reader';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { parseIntField, secondsToMs } from '../internal/request-line';
import { parseIsoTime } from '../internal/time';
import { serviceOfHost } from '../internal/host-service';

/** The fields read, by the names the `#Fields` header gives them. */
const FIELDS = {
  date: 'date',
  time: 'time',
  bytes: 'sc-bytes',
  clientIp: 'c-ip',
  method: 'cs-method',
  host: 'cs(Host)',
  uriStem: 'cs-uri-stem',
  status: 'sc-status',
  userAgent: 'cs(User-Agent)',
  uriQuery: 'cs-uri-query',
  // cs(Cookie) is deliberately never read, cookies carry sessions.
  requestId: 'x-edge-request-id',
  hostHeader: 'x-host-header',
  timeTaken: 'time-taken',
  forwardedFor: 'x-forwarded-for',
  protocolVersion: 'cs-protocol-version',
} as const;
type Field = keyof typeof FIELDS;
type Columns = Record<Field, number>;

/** The documented order, up to the last field read: what a file without a `#Fields` header has. */
const DOCUMENTED_ORDER = ('date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) ' +
  'cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ' +
  'ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version').split(' ');

/** Where each read field sits among `names`; -1 for a field not logged. */
function columnsOf(names: readonly string[]): Columns {
  const columns = {} as Columns;
  for (const field of Object.keys(FIELDS) as Field[]) columns[field] = names.indexOf(FIELDS[field]);
  return columns;
}

const DOCUMENTED_COLUMNS = columnsOf(DOCUMENTED_ORDER);
const FIELDS_HEADER = '#Fields:';

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
  // A `#Fields` header (v2 logging lets fields be left out) sets the columns of the lines after it.
  let columns = DOCUMENTED_COLUMNS;
  let minFields = DOCUMENTED_ORDER.length;
  return {
    name: 'aws-cloudfront',
    sniffLine: (line) => looksLikeCloudFront(line) || line.startsWith(FIELDS_HEADER),
    parseLine(line: string): RawResult {
      if (line.startsWith(FIELDS_HEADER)) {
        const names = line.slice(FIELDS_HEADER.length).trim().split(/\s+/);
        const read = columnsOf(names);
        if (read.date !== 0 || read.time !== 1 || read.status === -1 || read.method === -1 || read.uriStem === -1) {
          return reject('not_an_access_log', 'comment line (a #Fields header without date, time, cs-method, cs-uri-stem and sc-status, kept the field order it had)');
        }
        columns = read;
        minFields = Math.max(...Object.values(read)) + 1;
        return reject('not_an_access_log', 'comment line (#Fields header: the field order of the lines after it)');
      }
      if (!looksLikeCloudFront(line)) return reject('format_mismatch', 'expected a tab-separated CloudFront log line');
      const fields = line.split('\t');
      if (fields.length < minFields) return reject('missing_field', `expected at least ${minFields} tab-separated fields, got ${fields.length}`);
      const field = (name: Field): string => fields[columns[name]] ?? '';
      const raw = newRawAccess('aws-cloudfront');
      raw.time = parseIsoTime(`${field('date')}T${field('time')}Z`);
      if (Number.isNaN(raw.time)) return reject('invalid_timestamp');
      const bytes = field('bytes');
      raw.bytes = parseIntField(bytes, 0, bytes.length, 0);
      if (Number.isNaN(raw.bytes)) return reject('missing_field', 'sc-bytes');
      raw.peerIp = present(field('clientIp'));
      raw.method = present(field('method'));
      raw.target = present(field('uriStem'));
      raw.query = present(field('uriQuery'));
      const status = field('status');
      raw.status = parseIntField(status, 0, status.length, Number.NaN);
      raw.userAgent = decodeUserAgent(field('userAgent'));
      raw.requestId = present(field('requestId'));
      raw.service = serviceOfHost(present(field('hostHeader')) ?? present(field('host')));
      raw.latencyMs = secondsToMs(field('timeTaken'));
      raw.forwardedFor = present(field('forwardedFor'));
      raw.protocol = present(field('protocolVersion'));
      return raw;
    },
  };
}
