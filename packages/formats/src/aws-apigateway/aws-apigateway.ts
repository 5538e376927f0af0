// AWS API Gateway access logs (REST, HTTP and WebSocket APIs): a JSON object of $context variables
// under names the operator chose; the names AWS documents in its examples are read, flat or nested
// (`identity.sourceIp`). resourcePath / routeKey are already route templates and are kept as such.

import type { FormatParser } from '../internal/format-parser';
import { getPath, stringField, type JsonRecord } from '../internal/json-fields';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import { toNumber } from '../internal/request-line';
import { epochToMs, parseAnyTime } from '../internal/time';

function first(record: JsonRecord, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const value = stringField(getPath(record, path));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `GET /pets/{id}` (HTTP API routeKey) to its path part; `$connect` and `$default` stay as they are. */
function routeOfKey(routeKey: string | undefined): string | undefined {
  if (routeKey === undefined) return undefined;
  const space = routeKey.indexOf(' ');
  return space === -1 ? routeKey : routeKey.slice(space + 1);
}

/**
 * Whether a gateway route matches any path, so it tells nothing about the endpoint: an HTTP API's
 * `$default` route, a greedy `{proxy+}` resource. The path is templated instead when one is logged.
 */
function isCatchAll(route: string): boolean {
  return route === '$default' || route.endsWith('+}');
}

export function createAwsApiGatewayFormat(): FormatParser {
  return {
    name: 'aws-apigateway',
    sniffRecord: (record) =>
      'requestId' in record && ('httpMethod' in record || 'routeKey' in record || 'resourcePath' in record || 'requestTime' in record || 'requestTimeEpoch' in record),
    parseRecord(record: JsonRecord): RawResult {
      const raw = newRawAccess('aws-apigateway');
      raw.record = record;
      const epoch = toNumber(record.requestTimeEpoch);
      raw.time = epoch !== undefined ? epochToMs(epoch) : parseAnyTime(record.requestTime);
      raw.requestId = first(record, ['requestId', 'extendedRequestId']);
      raw.peerIp = first(record, ['ip', 'sourceIp', 'identity.sourceIp']);
      raw.clientId = first(record, ['apiKeyId', 'identity.apiKeyId', 'authorizer.principalId', 'principalId']);
      raw.userAgent = first(record, ['userAgent', 'identity.userAgent']);
      raw.service = first(record, ['domainName', 'apiId']);
      const routeKey = first(record, ['routeKey']);
      raw.method = first(record, ['httpMethod', 'eventType']) ?? routeKey?.split(' ')[0] ?? '-';
      const route = first(record, ['resourcePath']) ?? routeOfKey(routeKey);
      const path = first(record, ['path']);
      raw.route = route !== undefined && path !== undefined && isCatchAll(route) ? undefined : route;
      raw.target = path ?? route ?? '-';
      raw.protocol = first(record, ['protocol']);
      raw.status = toNumber(record.status) ?? Number.NaN;
      raw.bytes = toNumber(record.responseLength) ?? 0;
      raw.latencyMs = toNumber(record.responseLatency);
      raw.upstreamLatencyMs = toNumber(record.integrationLatency);
      return raw;
    },
  };
}
