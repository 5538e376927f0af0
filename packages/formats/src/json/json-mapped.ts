// Any JSON access log, read through a field map given in env (VIGIL_JSON_FIELD_MAP):
// event field → source path, e.g. time=ts,client.ip=remote.addr,request.path=uri,response.status=code.

import { VigilError } from '@vigil/contract';
import type { FormatParser } from '../internal/format-parser';
import { getPath, stringField, type JsonRecord } from '../internal/json-fields';
import { newRawAccess, type RawAccess, type RawResult } from '../internal/raw-access';
import { applyRequestLine, toNumber } from '../internal/request-line';
import { parseAnyTime } from '../internal/time';

type Apply = (raw: RawAccess, value: unknown) => void;

const text = (set: (raw: RawAccess, v: string) => void): Apply => (raw, value) => {
  const v = stringField(value);
  if (v !== undefined) set(raw, v);
};

/** The event fields a map may name, and how a source value lands in each. */
const TARGETS: Record<string, Apply> = {
  time: (raw, v) => (raw.time = parseAnyTime(v)),
  service: text((raw, v) => (raw.service = v)),
  'client.ip': text((raw, v) => (raw.peerIp = v)),
  'client.forwardedFor': text((raw, v) => (raw.forwardedFor = v)),
  'client.id': text((raw, v) => (raw.clientId = v)),
  'client.userAgent': text((raw, v) => (raw.userAgent = v)),
  'request.line': text((raw, v) => applyRequestLine(raw, v, false)),
  'request.method': text((raw, v) => (raw.method = v)),
  'request.path': text((raw, v) => (raw.target = v)),
  'request.query': text((raw, v) => (raw.query = v)),
  'request.route': text((raw, v) => (raw.route = v)),
  'request.id': text((raw, v) => (raw.requestId = v)),
  'request.protocol': text((raw, v) => (raw.protocol = v)),
  'response.status': (raw, v) => (raw.status = toNumber(v) ?? Number.NaN),
  'response.bytes': (raw, v) => (raw.bytes = toNumber(v) ?? 0),
  'response.latencyMs': (raw, v) => (raw.latencyMs = toNumber(v)),
  'response.latencySeconds': (raw, v) => {
    const s = toNumber(v);
    raw.latencyMs = s === undefined ? undefined : s * 1000;
  },
  'response.upstreamLatencyMs': (raw, v) => (raw.upstreamLatencyMs = toNumber(v)),
};

const JSON_MAP_TARGETS = Object.keys(TARGETS);

export function createJsonMappedFormat(fieldMap: Record<string, string>): FormatParser {
  const steps = Object.entries(fieldMap).map(([target, source]) => {
    const apply = Object.hasOwn(TARGETS, target) ? TARGETS[target] : undefined;
    if (apply === undefined) {
      throw new VigilError(
        'VIGIL_CONFIG_INVALID',
        `VIGIL_JSON_FIELD_MAP names unknown event field "${target}"; known: ${JSON_MAP_TARGETS.join(', ')}`,
      );
    }
    return { apply, source };
  });
  const sources = steps.map((s) => s.source);
  return {
    name: 'json',
    sniffRecord: (record) => sources.every((source) => getPath(record, source) !== undefined),
    parseRecord(record: JsonRecord): RawResult {
      const raw = newRawAccess('json');
      raw.record = record;
      for (const { apply, source } of steps) {
        const value = getPath(record, source);
        if (value !== undefined && value !== null) apply(raw, value);
      }
      return raw;
    },
  };
}
