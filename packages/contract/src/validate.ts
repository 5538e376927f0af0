// Runtime validation where records enter a service: a bad shape becomes a VigilError naming the field.

import { ANOMALY_STATES, ENTITY_KINDS, SEVERITIES, type Anomaly } from './anomaly';
import { VigilError } from './errors';
import { GATEWAY_KINDS, type ApiAccessEvent } from './event';
import { REJECTION_REASONS, type RejectedInput } from './rejected';

type Obj = Record<string, unknown>;

function fail(what: string, field: string, problem: string): never {
  throw new VigilError('VIGIL_CONTRACT_INVALID', `${what}: field "${field}" ${problem}`, {
    details: { field },
  });
}

function obj(what: string, value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(what, field, 'must be an object');
  }
  return value as Obj;
}

function str(what: string, o: Obj, key: string, prefix: string, optional = false): void {
  const v = o[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'string') fail(what, prefix + key, optional ? 'must be a string when present' : 'must be a string');
}

function num(what: string, o: Obj, key: string, prefix: string, optional = false): void {
  const v = o[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    fail(what, prefix + key, optional ? 'must be a finite number when present' : 'must be a finite number');
  }
}

function oneOf(what: string, o: Obj, key: string, prefix: string, allowed: readonly string[]): void {
  const v = o[key];
  if (typeof v !== 'string' || !allowed.includes(v)) fail(what, prefix + key, `must be one of ${allowed.join(', ')}`);
}

function version(what: string, o: Obj): void {
  if (o.v !== 1) fail(what, 'v', `must be 1 (got ${JSON.stringify(o.v)})`);
}

export function validateApiAccessEvent(value: unknown): ApiAccessEvent {
  const w = 'ApiAccessEvent';
  const e = obj(w, value, '(root)');
  version(w, e);
  num(w, e, 'time', '');
  oneOf(w, e, 'gateway', '', GATEWAY_KINDS);
  str(w, e, 'service', '');
  const c = obj(w, e.client, 'client');
  str(w, c, 'ip', 'client.');
  str(w, c, 'key', 'client.');
  str(w, c, 'id', 'client.', true);
  str(w, c, 'userAgent', 'client.', true);
  const r = obj(w, e.request, 'request');
  for (const k of ['method', 'path', 'route']) str(w, r, k, 'request.');
  for (const k of ['query', 'objectId', 'id', 'protocol']) str(w, r, k, 'request.', true);
  const s = obj(w, e.response, 'response');
  num(w, s, 'status', 'response.');
  num(w, s, 'bytes', 'response.');
  num(w, s, 'latencyMs', 'response.', true);
  num(w, s, 'upstreamLatencyMs', 'response.', true);
  return value as ApiAccessEvent;
}

function ranked(w: string, value: unknown, field: string): void {
  if (!Array.isArray(value)) fail(w, field, 'must be an array');
  value.forEach((item, i) => {
    const o = obj(w, item, `${field}[${i}]`);
    str(w, o, 'key', `${field}[${i}].`);
    num(w, o, 'count', `${field}[${i}].`);
  });
}

export function validateAnomaly(value: unknown): Anomaly {
  const w = 'Anomaly';
  const a = obj(w, value, '(root)');
  version(w, a);
  for (const k of ['id', 'detector', 'signal', 'summary']) str(w, a, k, '');
  const ent = obj(w, a.entity, 'entity');
  oneOf(w, ent, 'kind', 'entity.', ENTITY_KINDS);
  str(w, ent, 'key', 'entity.');
  str(w, ent, 'service', 'entity.', true);
  const win = obj(w, a.window, 'window');
  num(w, win, 'start', 'window.');
  num(w, win, 'end', 'window.');
  for (const k of ['observed', 'expected', 'score', 'startedAt']) num(w, a, k, '');
  if ((a.score as number) < 0 || (a.score as number) > 1) fail(w, 'score', 'must be between 0 and 1');
  oneOf(w, a, 'severity', '', SEVERITIES);
  oneOf(w, a, 'state', '', ANOMALY_STATES);
  const ev = obj(w, a.evidence, 'evidence');
  ranked(w, ev.topRoutes, 'evidence.topRoutes');
  ranked(w, ev.topClients, 'evidence.topClients');
  if (!Array.isArray(ev.sampleRequestIds) || ev.sampleRequestIds.some((x) => typeof x !== 'string')) {
    fail(w, 'evidence.sampleRequestIds', 'must be an array of strings');
  }
  if (!Array.isArray(ev.recent) || ev.recent.some((x) => typeof x !== 'number')) {
    fail(w, 'evidence.recent', 'must be an array of numbers');
  }
  return value as Anomaly;
}

export function validateRejectedInput(value: unknown): RejectedInput {
  const w = 'RejectedInput';
  const r = obj(w, value, '(root)');
  version(w, r);
  num(w, r, 'receivedAt', '');
  for (const k of ['source', 'format', 'sample']) str(w, r, k, '');
  oneOf(w, r, 'reason', '', REJECTION_REASONS);
  str(w, r, 'detail', '', true);
  return value as RejectedInput;
}

/** Parses JSON text or bytes, turning a syntax error into VIGIL_CONTRACT_INVALID. */
export function parseJson(what: string, raw: string | Uint8Array): unknown {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new VigilError('VIGIL_CONTRACT_INVALID', `${what}: not valid JSON (${(cause as Error).message})`, {
      cause,
      details: { field: '(root)' },
    });
  }
}
