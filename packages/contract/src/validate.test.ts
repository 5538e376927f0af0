import { describe, expect, it } from 'vitest';
import type { ApiAccessEvent } from './event';
import { decodeEvents, encodeEventBatch, ENCODING_EVENT_BATCH, ENCODING_SINGLE } from './codec';
import { isVigilError } from './errors';
import { parseJson, validateAnomaly, validateApiAccessEvent, validateRejectedInput } from './validate';

const event: ApiAccessEvent = {
  v: 1,
  time: 1_764_280_800_123,
  gateway: 'nginx',
  service: 'api.example.com',
  client: { ip: '203.0.113.9', key: '203.0.113.9', userAgent: 'curl/8.5.0' },
  request: { method: 'GET', path: '/v1/users/123', route: '/v1/users/{id}', objectId: '123' },
  response: { status: 200, bytes: 512, latencyMs: 12.5 },
};

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    if (isVigilError(error, 'VIGIL_CONTRACT_INVALID')) return error.details?.field;
    throw error;
  }
  return undefined;
}

describe('validateApiAccessEvent', () => {
  it('accepts a complete event', () => {
    expect(validateApiAccessEvent(structuredClone(event))).toEqual(event);
  });

  it('names the nested field that has the wrong type', () => {
    const bad = structuredClone(event) as unknown as { response: { status: unknown } };
    bad.response.status = '200';
    expect(fieldOf(() => validateApiAccessEvent(bad))).toBe('response.status');
  });

  it('rejects another contract version', () => {
    expect(fieldOf(() => validateApiAccessEvent({ ...event, v: 2 }))).toBe('v');
  });

  it('rejects an unknown gateway kind', () => {
    expect(fieldOf(() => validateApiAccessEvent({ ...event, gateway: 'iis' }))).toBe('gateway');
  });

  it('rejects a non-finite number', () => {
    expect(fieldOf(() => validateApiAccessEvent({ ...event, time: Number.NaN }))).toBe('time');
  });

  it('rejects a missing client object', () => {
    const { client: _client, ...rest } = event;
    expect(fieldOf(() => validateApiAccessEvent(rest))).toBe('client');
  });
});

describe('validateAnomaly', () => {
  const anomaly = {
    v: 1,
    id: 'a-1',
    detector: 'traffic-spike',
    entity: { kind: 'client', key: '203.0.113.9' },
    signal: 'requests',
    window: { start: 0, end: 10_000 },
    observed: 400,
    expected: 100,
    score: 0.99,
    severity: 'critical',
    state: 'firing',
    startedAt: 0,
    summary: 'x',
    evidence: { topRoutes: [{ key: 'GET /', count: 3 }], topClients: [], sampleRequestIds: ['r1'], recent: [1, 2] },
  };

  it('accepts a valid anomaly', () => {
    expect(validateAnomaly(structuredClone(anomaly))).toEqual(anomaly);
  });

  it('rejects a score outside 0..1', () => {
    expect(fieldOf(() => validateAnomaly({ ...anomaly, score: 1.5 }))).toBe('score');
  });

  it('names the bad element of an evidence list', () => {
    const bad = structuredClone(anomaly);
    (bad.evidence.topRoutes[0] as { count: unknown }).count = 'three';
    expect(fieldOf(() => validateAnomaly(bad))).toBe('evidence.topRoutes[0].count');
  });

  it('rejects an unknown state', () => {
    expect(fieldOf(() => validateAnomaly({ ...anomaly, state: 'pending' }))).toBe('state');
  });
});

describe('validateRejectedInput', () => {
  it('rejects a reason outside the closed set', () => {
    const rec = { v: 1, receivedAt: 1, source: 'http', format: 'nginx', reason: 'bad', sample: '' };
    expect(fieldOf(() => validateRejectedInput(rec))).toBe('reason');
    expect(validateRejectedInput({ ...rec, reason: 'invalid_json' }).reason).toBe('invalid_json');
  });
});

describe('events.v1 codec', () => {
  it('round-trips a batch of events', () => {
    const batch = [event, { ...event, time: event.time + 1 }];
    expect(decodeEvents(Buffer.from(encodeEventBatch(batch)), ENCODING_EVENT_BATCH)).toEqual(batch);
  });

  it('decodes a single-event record', () => {
    expect(decodeEvents(JSON.stringify(event), ENCODING_SINGLE)).toEqual([event]);
  });

  it('turns malformed JSON into a contract error', () => {
    expect(fieldOf(() => parseJson('x', '{"v":1'))).toBe('(root)');
    expect(fieldOf(() => decodeEvents('{}', ENCODING_EVENT_BATCH))).toBe('(root)');
  });
});
