import type { ApiAccessEvent, EntityKind } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { addEventToBucket, emptyBucket } from './bucket';
import { entitiesOf, partialAggregates, type PartialAggregate } from './entity-refs';
import { simulateTraffic } from './simulator';

/** The plain definition: group by (bucket, entity of entitiesOf), in order of first appearance. */
function reference(events: readonly ApiAccessEvent[], kinds: readonly EntityKind[], bucketSeconds: number): PartialAggregate[] {
  const byKey = new Map<string, PartialAggregate>();
  for (const event of events) {
    const bucketStart = Math.floor(event.time / (bucketSeconds * 1000)) * bucketSeconds * 1000;
    for (const entity of entitiesOf(event)) {
      if (!kinds.includes(entity.kind)) continue;
      const key = JSON.stringify([bucketStart, entity]);
      let record = byKey.get(key);
      if (record === undefined) byKey.set(key, (record = { entity, bucketStart, partial: emptyBucket() }));
      addEventToBucket(record.partial, event, entity.kind);
    }
  }
  return [...byKey.values()];
}

describe('partialAggregates', () => {
  const events = [...simulateTraffic({ seed: 11, start: Date.UTC(2025, 0, 6, 9), durationMs: 40_000, requestsPerSecond: 200 })];
  // Some clients known by consumer id, so the ip kind has entities of its own.
  const withConsumers = events.map((e, n) => (n % 3 === 0 ? { ...e, client: { ...e.client, id: `consumer-${n % 17}`, key: `consumer-${n % 17}` } } : e));

  it.each([
    [['ip', 'route', 'service'] as EntityKind[]],
    [['client', 'ip', 'route', 'service'] as EntityKind[]],
    [['route'] as EntityKind[]],
  ])('gives the same partials, in the same order, as grouping by entitiesOf (%j)', (kinds) => {
    const got = partialAggregates(withConsumers, kinds, 10);
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(reference(withConsumers, kinds, 10));
  });

  it('keeps routes of different services and methods apart', () => {
    const base = withConsumers[0] as ApiAccessEvent;
    const a = { ...base, service: 'a', request: { ...base.request, method: 'GET', route: '/x' } };
    const b = { ...a, service: 'b' };
    const c = { ...a, request: { ...a.request, method: 'POST' } };
    const partials = partialAggregates([a, b, c, a], ['route'], 10);
    expect(partials.map((p) => [p.entity.service, p.entity.key, p.partial.requests])).toEqual([
      ['a', 'GET /x', 2],
      ['b', 'GET /x', 1],
      ['a', 'POST /x', 1],
    ]);
  });
});
