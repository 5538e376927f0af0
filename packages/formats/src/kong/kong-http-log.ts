// Kong's log plugins (http-log, file-log, tcp-log) send one JSON document per request: request,
// response, latencies {request, kong, proxy}, client_ip, consumer, started_at (epoch ms).

import type { FormatParser } from '../internal/format-parser';
import { headerReader, isRecord, recordField, stringField, type JsonRecord } from '../internal/json-fields';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { toNumber } from '../internal/request-line';
import { epochToMs } from '../internal/time';

/** Kong writes `proxy: -1` when the request never reached an upstream (a plugin answered it). */
function latencyMs(value: unknown): number | undefined {
  const ms = toNumber(value);
  return ms === undefined || ms < 0 ? undefined : ms;
}

export function createKongFormat(): FormatParser {
  return {
    name: 'kong',
    sniffRecord: (record) => 'started_at' in record && isRecord(record.request) && isRecord(record.response),
    parseRecord(record: JsonRecord): RawResult {
      const request = recordField(record, 'request');
      const response = recordField(record, 'response');
      if (!request || !response) return reject('missing_field', 'request/response');
      const raw = newRawAccess('kong');
      raw.record = record;
      raw.time = epochToMs(toNumber(record.started_at) ?? Number.NaN);
      const service = recordField(record, 'service');
      raw.service = stringField(service?.name) ?? stringField(service?.host);
      raw.peerIp = stringField(record.client_ip);
      raw.clientId = stringField(recordField(record, 'consumer')?.id) ?? stringField(recordField(record, 'authenticated_entity')?.id);
      const headers = recordField(request, 'headers');
      raw.header = headerReader(headers);
      raw.userAgent = raw.header?.('user-agent');
      raw.requestId = stringField(request.id) ?? raw.header?.('x-kong-request-id');
      raw.method = stringField(request.method);
      raw.target = stringField(request.uri);
      raw.status = toNumber(response.status) ?? Number.NaN;
      raw.bytes = toNumber(response.size) ?? 0;
      const latencies = recordField(record, 'latencies');
      raw.latencyMs = latencyMs(latencies?.request);
      raw.upstreamLatencyMs = latencyMs(latencies?.proxy);
      return raw;
    },
  };
}
