import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvents, encodeEventBatch, ENCODING_EVENT_TABLE } from './codec';
import { isVigilError } from './errors';
import { GATEWAY_KINDS, type ApiAccessEvent } from './event';
import { encodeEventTable, EVENT_TABLE_COLUMNS } from './event-table';

const base: ApiAccessEvent = {
  v: 1,
  time: 1_764_280_800_123,
  gateway: 'kong',
  service: 'api.example.com',
  client: { ip: '203.0.113.9', id: 'consumer-7', key: 'consumer-7', userAgent: 'curl/8.5.0' },
  request: { method: 'GET', path: '/v1/users/123', route: '/v1/users/{id}', query: 'page=2', objectId: '123', id: 'req-1', protocol: 'HTTP/1.1' },
  response: { status: 200, bytes: 512, latencyMs: 12.5, upstreamLatencyMs: 10 },
};

const bare: ApiAccessEvent = {
  v: 1,
  time: 1_764_280_801_000,
  gateway: 'nginx',
  service: '-',
  client: { ip: '198.51.100.4', key: '198.51.100.4' },
  request: { method: 'POST', path: '/login', route: '/login' },
  response: { status: 401, bytes: 0 },
};

function errorOf(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    if (isVigilError(error, 'VIGIL_CONTRACT_INVALID')) return { field: error.details?.field, message: error.message };
    throw error;
  }
  throw new Error('expected a VIGIL_CONTRACT_INVALID error');
}

const optionalString = fc.option(fc.string(), { nil: undefined });
// JSON has no -0 (it reads back as 0), whatever the encoding.
const optionalNumber = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)), { nil: undefined });
/** Drops undefined properties, as JSON does: the encoders never write them. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const anyEvent: fc.Arbitrary<ApiAccessEvent> = fc
  .record({
    time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    gateway: fc.constantFrom(...GATEWAY_KINDS),
    service: fc.string(),
    ip: fc.string(),
    id: optionalString,
    key: fc.string(),
    userAgent: optionalString,
    method: fc.constantFrom('GET', 'POST', 'DELETE'),
    path: fc.string(),
    route: fc.string(),
    query: optionalString,
    objectId: optionalString,
    requestId: optionalString,
    protocol: optionalString,
    status: fc.integer({ min: 100, max: 599 }),
    bytes: fc.nat(),
    latencyMs: optionalNumber,
    upstreamLatencyMs: optionalNumber,
  })
  .map((r) => ({
    v: 1 as const,
    time: r.time,
    gateway: r.gateway,
    service: r.service,
    client: defined({ ip: r.ip, id: r.id, key: r.key, userAgent: r.userAgent }),
    request: defined({ method: r.method, path: r.path, route: r.route, query: r.query, objectId: r.objectId, id: r.requestId, protocol: r.protocol }),
    response: defined({ status: r.status, bytes: r.bytes, latencyMs: r.latencyMs, upstreamLatencyMs: r.upstreamLatencyMs }),
  }));

describe('json-table-v1', () => {
  it('round-trips events with every optional field present and absent', () => {
    const batch = [base, bare, { ...base, time: base.time + 5 }];
    expect(decodeEvents(Buffer.from(encodeEventTable(batch)), ENCODING_EVENT_TABLE)).toStrictEqual(batch);
  });

  it('round-trips any events exactly (strings with quotes, unicode, empty; fractional numbers)', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (batch) => {
        expect(decodeEvents(encodeEventTable(batch), ENCODING_EVENT_TABLE)).toStrictEqual(batch);
      }),
    );
  });

  it('writes each distinct string once, so repeated fields cost an index', () => {
    const batch = Array.from({ length: 200 }, (_, n) => ({ ...bare, time: bare.time + n }));
    const table = JSON.parse(encodeEventTable(batch)) as { columns: string[]; strings: string[]; rows: unknown[] };
    expect(table.columns).toEqual([...EVENT_TABLE_COLUMNS]);
    expect(table.strings).toEqual(['nginx', '-', '198.51.100.4', 'POST', '/login']);
    expect(table.rows).toHaveLength(200 * EVENT_TABLE_COLUMNS.length);
    expect(Buffer.byteLength(encodeEventTable(batch))).toBeLessThan(Buffer.byteLength(encodeEventBatch(batch)) / 2);
  });

  it('is recognised by shape when a record has no encoding header', () => {
    expect(decodeEvents(encodeEventTable([bare]), undefined)).toStrictEqual([bare]);
  });

  it('finds columns by name, so columns in another order or unknown extra columns still decode', () => {
    const table = JSON.parse(encodeEventTable([base])) as { columns: string[]; strings: string[]; rows: unknown[] };
    const reversed = { columns: [...table.columns].reverse().concat('response.future'), strings: table.strings, rows: [...table.rows].reverse().concat(7) };
    expect(decodeEvents(JSON.stringify(reversed), ENCODING_EVENT_TABLE)).toStrictEqual([base]);
  });

  it('names the field of a bad cell, and of a missing required column', () => {
    const table = JSON.parse(encodeEventTable([bare])) as { columns: string[]; strings: string[]; rows: unknown[] };
    const pathAt = table.columns.indexOf('request.path');
    const badIndex = { ...table, rows: table.rows.map((v, i) => (i === pathAt ? 99 : v)) };
    expect(errorOf(() => decodeEvents(JSON.stringify(badIndex), ENCODING_EVENT_TABLE)).field).toBe('request.path');
    const statusAt = table.columns.indexOf('response.status');
    const badStatus = { ...table, rows: table.rows.map((v, i) => (i === statusAt ? 'ok' : v)) };
    expect(errorOf(() => decodeEvents(JSON.stringify(badStatus), ENCODING_EVENT_TABLE)).field).toBe('response.status');
    const routeAt = table.columns.indexOf('request.route');
    const noRoute = { ...table, columns: table.columns.filter((_, i) => i !== routeAt), rows: table.rows.filter((_, i) => i !== routeAt) };
    expect(errorOf(() => decodeEvents(JSON.stringify(noRoute), ENCODING_EVENT_TABLE)).field).toBe('request.route');
  });

  it('rejects a value of the wrong shape with the part that is wrong', () => {
    expect(errorOf(() => decodeEvents('[]', ENCODING_EVENT_TABLE)).field).toBe('(root)');
    expect(errorOf(() => decodeEvents('{"columns":["time"],"strings":[1],"rows":[]}', ENCODING_EVENT_TABLE)).field).toBe('strings');
    expect(errorOf(() => decodeEvents('{"columns":["time","gateway"],"strings":[],"rows":[1]}', ENCODING_EVENT_TABLE)).field).toBe('rows');
  });

  it('refuses an encoding it does not know, naming the header, instead of guessing', () => {
    const error = errorOf(() => decodeEvents(encodeEventTable([bare]), 'json-table-v9'));
    expect(error.field).toBe('vigil-encoding');
    expect(error.message).toContain('json-table-v9');
  });
});
