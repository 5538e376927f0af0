// Traefik's JSON access log (v1 and v2 field names). Durations are nanoseconds.

import type { FormatParser } from '../internal/format-parser';
import { stringField, type JsonRecord } from '../internal/json-fields';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import { toNumber } from '../internal/request-line';
import { parseAnyTime } from '../internal/time';
import { setClientHost } from '../traefik/client-host';
import { serviceOfHost } from '../internal/host-service';

/**
 * A `request_<Header>` field's value. Traefik writes `REDACTED` for headers in `redact` mode (its
 * advice for credentials): that is no value, or every client would share it as user agent or id.
 */
function headerValue(value: unknown): string | undefined {
  const text = stringField(value);
  return text === 'REDACTED' ? undefined : text;
}

function nanosToMs(value: unknown): number | undefined {
  const n = toNumber(value);
  return n === undefined ? undefined : Math.round(n / 1000) / 1000;
}

export function createTraefikJsonFormat(): FormatParser {
  return {
    name: 'traefik-json',
    sniffRecord: (record) => 'DownstreamStatus' in record || ('RequestMethod' in record && 'ClientHost' in record),
    parseRecord(record: JsonRecord): RawResult {
      const raw = newRawAccess('traefik');
      raw.record = record;
      raw.time = parseAnyTime(record.StartUTC ?? record.time);
      raw.forwardedFor = headerValue(record['request_X-Forwarded-For']);
      setClientHost(raw, stringField(record.ClientHost) ?? stringField(record.ClientAddr));
      raw.service = stringField(record.ServiceName) ?? stringField(record.BackendName) ?? serviceOfHost(stringField(record.RequestHost));
      raw.method = stringField(record.RequestMethod);
      raw.target = stringField(record.RequestPath);
      raw.protocol = stringField(record.RequestProtocol);
      raw.status = toNumber(record.DownstreamStatus) ?? toNumber(record.OriginStatus) ?? Number.NaN;
      raw.bytes = toNumber(record.DownstreamContentSize) ?? 0;
      raw.latencyMs = nanosToMs(record.Duration);
      raw.upstreamLatencyMs = nanosToMs(record.OriginDuration);
      raw.userAgent = headerValue(record['request_User-Agent']);
      raw.requestId = headerValue(record['request_X-Request-Id']);
      raw.header = (name) => {
        for (const key of Object.keys(record)) {
          if (key.startsWith('request_') && key.slice(8).toLowerCase() === name) return headerValue(record[key]);
        }
        return undefined;
      };
      return raw;
    },
  };
}
