// Caddy's JSON access log (logger http.log.access*). `client_ip` is the client Caddy resolved with
// its own trusted_proxies, so it is taken as the peer. Status 0 means Caddy wrote no explicit
// status, which older versions logged for a plain 200.

import type { FormatParser } from '../internal/format-parser';
import { headerReader, recordField, stringField, type JsonRecord } from '../internal/json-fields';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { toNumber } from '../internal/request-line';
import { parseAnyTime } from '../internal/time';

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
      raw.service = stringField(request.host);
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
      const duration = toNumber(record.duration);
      raw.latencyMs = duration === undefined ? undefined : Math.round(duration * 1_000_000) / 1000;
      return raw;
    },
  };
}
