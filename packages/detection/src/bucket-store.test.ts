import { NO_RESPONSE_STATUS, type ApiAccessEvent, type EntityKind } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { aggregateBucket, mergeBucket, routeKey } from './bucket';
import { BucketStore } from './bucket-store';

function event(n: number, over: { status?: number; latencyMs?: number; objectId?: string; id?: string } = {}): ApiAccessEvent {
  const response = over.latencyMs === undefined ? { status: over.status ?? 200, bytes: 100 + n } : { status: over.status ?? 200, bytes: 100 + n, latencyMs: over.latencyMs };
  return {
    v: 1,
    time: 1000 + n,
    gateway: 'nginx',
    service: 'shop',
    client: { ip: '10.0.0.1', key: `client-${n % 3}` },
    request: {
      method: 'GET',
      path: `/items/${n}`,
      route: n % 2 === 0 ? '/items/{id}' : '/orders',
      ...(over.id === undefined ? {} : { id: over.id }),
      ...(over.objectId === undefined ? {} : { objectId: over.objectId }),
    },
    response,
  };
}

const EVENTS: ApiAccessEvent[] = [
  event(0, { id: 'r0', latencyMs: 12, objectId: 'a' }),
  event(1, { id: 'r1', status: 503, latencyMs: 800 }),
  event(2, { id: 'r2', status: 401, objectId: 'b' }),
  event(3, { status: 429, latencyMs: 12 }),
  event(4, { id: 'r4', status: 403, latencyMs: 40, objectId: 'a' }),
  event(5, { status: 502, latencyMs: -1, objectId: 'c' }),
  event(6, { id: 'r6', status: 404, latencyMs: 0.5 }),
];

describe('BucketStore', () => {
  for (const kind of ['client', 'ip', 'route', 'service'] as EntityKind[]) {
    it(`holds the same aggregate as addEventToBucket for one event and for several (${kind})`, () => {
      for (const single of EVENTS) {
        const store = new BucketStore(4);
        store.addEvent(9, kind, single, routeKey(single));
        expect(store.get(9)).toEqual(aggregateBucket([single], kind));
        expect(store.viewOf(9)).toEqual(aggregateBucket([single], kind));
        expect(store.viewAt(0)).toEqual(aggregateBucket([single], kind));
      }
      const store = new BucketStore(4);
      EVENTS.forEach((e, i) => store.addEvent(i % 2 === 0 ? 7 : 2, kind, e, routeKey(e)));
      expect(store.size).toBe(2);
      expect([store.slotAt(0), store.slotAt(1)]).toEqual([7, 2]);
      expect(store.get(7)).toEqual(aggregateBucket(EVENTS.filter((_, i) => i % 2 === 0), kind));
      expect(store.bucketAt(1)).toEqual(aggregateBucket(EVENTS.filter((_, i) => i % 2 === 1), kind));
      expect(store.viewAt(1)).toEqual(aggregateBucket(EVENTS.filter((_, i) => i % 2 === 1), kind));
      expect(store.get(3)).toBeUndefined();
      expect(store.entryOf(100)).toBe(-1);
    });
  }

  it('merges partials into single-event and new entries, and grows past its first sizes', () => {
    const store = new BucketStore(1);
    const partial = aggregateBucket(EVENTS.slice(2), 'route');
    store.addEvent(0, 'route', EVENTS[0] as ApiAccessEvent, routeKey(EVENTS[0] as ApiAccessEvent));
    store.addPartial(0, 'route', partial);
    store.addPartial(1, 'route', partial);
    expect(store.get(0)).toEqual(mergeBucket(aggregateBucket(EVENTS.slice(0, 1), 'route'), partial));
    expect(store.get(1)).toEqual(mergeBucket(aggregateBucket([], 'route'), partial));
    for (let slot = 2; slot < 1000; slot++) store.addEvent(slot, 'client', EVENTS[slot % 5] as ApiAccessEvent, 'GET /x');
    store.put(500, 'client', partial);
    expect(store.size).toBe(1000);
    expect(store.slotAt(999)).toBe(999);
    expect(store.get(999)).toEqual(aggregateBucket([EVENTS[4] as ApiAccessEvent].map((e) => ({ ...e, request: { ...e.request, route: '/x' } })), 'client'));
    expect(store.get(500)).toBe(partial);
  });
});

describe('a request the gateway sent no response to (status 0)', () => {
  it('counts as a request, never as a 4xx, a 5xx, an auth failure or a rate limit', () => {
    const bucket = aggregateBucket([event(0, { status: NO_RESPONSE_STATUS, latencyMs: 1200, id: 'gone' }), event(1, { status: 200 })], 'service');
    expect(bucket).toMatchObject({ requests: 2, status4xx: 0, status5xx: 0, authFailures: 0, rateLimited: 0, errorSampleIds: [], authSampleIds: [] });
    expect(bucket.sampleIds).toEqual(['gone']);
  });
});
