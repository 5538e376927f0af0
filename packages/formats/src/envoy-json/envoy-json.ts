// Envoy with a JSON access-log format: keys named after the command operators, in the spellings
// Envoy's docs, Istio, Envoy Gateway and Contour use (`response_code`, `x-envoy-origin-path`,
// `:authority`...; Contour logs START_TIME as `@timestamp`).

import type { FormatParser } from '../internal/format-parser';
import { stringField, type JsonRecord } from '../internal/json-fields';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import { toNumber } from '../internal/request-line';
import { parseAnyTime } from '../internal/time';
import { serviceOfHost } from '../internal/host-service';

function first(record: JsonRecord, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && value !== null && value !== '-' && value !== '') return value;
  }
  return undefined;
}

export function createEnvoyJsonFormat(): FormatParser {
  return {
    name: 'envoy-json',
    sniffRecord: (record) => 'response_code' in record && ('start_time' in record || 'downstream_remote_address' in record),
    parseRecord(record: JsonRecord): RawResult {
      const raw = newRawAccess('envoy');
      raw.record = record;
      raw.time = parseAnyTime(first(record, ['start_time', '@timestamp', 'timestamp']));
      raw.method = stringField(first(record, ['method', ':method']));
      raw.target = stringField(first(record, ['x-envoy-origin-path', 'path', ':path']));
      raw.protocol = stringField(record.protocol);
      raw.status = toNumber(record.response_code) ?? Number.NaN;
      raw.bytes = toNumber(record.bytes_sent) ?? 0;
      raw.latencyMs = toNumber(record.duration);
      raw.upstreamLatencyMs = toNumber(first(record, ['x-envoy-upstream-service-time', 'upstream_service_time']));
      raw.peerIp = stringField(first(record, ['downstream_remote_address', 'downstream_direct_remote_address']));
      raw.forwardedFor = stringField(first(record, ['x-forwarded-for', 'x_forwarded_for']));
      raw.userAgent = stringField(first(record, ['user-agent', 'user_agent']));
      raw.requestId = stringField(first(record, ['x-request-id', 'request_id']));
      raw.service = serviceOfHost(stringField(first(record, [':authority', 'authority', 'host'])));
      raw.header = (name) => stringField(record[name]);
      return raw;
    },
  };
}
