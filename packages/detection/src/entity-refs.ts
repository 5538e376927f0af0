// Which entities an event counts for, and partial aggregates for repartitioning: the detector
// service ships the aggregates of entities another instance owns through repartition.v1.

import type { ApiAccessEvent, EntityKind } from '@vigil/contract';
import { addEventToBucket, emptyBucket, routeKey, type BucketAggregate } from './bucket';
import type { EntityRef } from './detectors/detector';

/**
 * client (client.key), route ("METHOD route" in its service), service, and ip — the latter only
 * when the client is identified by a consumer id, since otherwise client and ip are the same key.
 */
export function entitiesOf(event: ApiAccessEvent): EntityRef[] {
  const refs: EntityRef[] = [{ kind: 'client', key: event.client.key }];
  if (event.client.key !== event.client.ip) refs.push({ kind: 'ip', key: event.client.ip });
  refs.push({ kind: 'route', key: routeKey(event), service: event.service }, { kind: 'service', key: event.service });
  return refs;
}

export interface PartialAggregate {
  entity: EntityRef;
  bucketStart: number;
  partial: BucketAggregate;
}

/** Aggregates events per (entity of the given kinds, bucket); one record per pair. */
export function partialAggregates(
  events: Iterable<ApiAccessEvent>,
  kinds: readonly EntityKind[],
  bucketSeconds: number,
): PartialAggregate[] {
  const bucketMs = bucketSeconds * 1000;
  const byKey = new Map<string, PartialAggregate>();
  for (const event of events) {
    const bucketStart = Math.floor(event.time / bucketMs) * bucketMs;
    for (const entity of entitiesOf(event)) {
      if (!kinds.includes(entity.kind)) continue;
      const key = `${bucketStart}\0${entity.kind}\0${entity.service ?? ''}\0${entity.key}`;
      let record = byKey.get(key);
      if (record === undefined) {
        record = { entity, bucketStart, partial: emptyBucket() };
        byKey.set(key, record);
      }
      addEventToBucket(record.partial, event, entity.kind);
    }
  }
  return [...byKey.values()];
}
