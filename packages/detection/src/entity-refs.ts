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

/** One bucket's partials per kind; routes nested service → method → route so no key is concatenated. */
interface BucketPartials {
  client: Map<string, PartialAggregate>;
  ip: Map<string, PartialAggregate>;
  service: Map<string, PartialAggregate>;
  route: Map<string, Map<string, Map<string, PartialAggregate>>>;
}

const newRouteMap = () => new Map<string, PartialAggregate>();
const newMethodMap = () => new Map<string, Map<string, PartialAggregate>>();

/** The entity of `kind` that `event` counts for (as entitiesOf gives it). */
function entityOf(event: ApiAccessEvent, kind: EntityKind): EntityRef {
  switch (kind) {
    case 'client':
      return { kind, key: event.client.key };
    case 'ip':
      return { kind, key: event.client.ip };
    case 'route':
      return { kind, key: routeKey(event), service: event.service };
    case 'service':
      return { kind, key: event.service };
  }
}

function child<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

/**
 * Aggregates events per (entity of the given kinds, bucket); one record per pair, in the order
 * the pairs first appear. The hot path of every detector batch: it looks entities up by the
 * event's own strings (no key is built per event), which a json-table-v1 batch shares between
 * events, so their hashes are computed once.
 */
export function partialAggregates(
  events: Iterable<ApiAccessEvent>,
  kinds: readonly EntityKind[],
  bucketSeconds: number,
): PartialAggregate[] {
  const bucketMs = bucketSeconds * 1000;
  const [wantClient, wantIp, wantRoute, wantService] = (['client', 'ip', 'route', 'service'] as const).map((kind) => kinds.includes(kind));
  const out: PartialAggregate[] = [];
  const buckets = new Map<number, BucketPartials>();
  const add = (map: Map<string, PartialAggregate>, key: string, bucketStart: number, event: ApiAccessEvent, kind: EntityKind) => {
    let record = map.get(key);
    if (record === undefined) {
      record = { entity: entityOf(event, kind), bucketStart, partial: emptyBucket() };
      map.set(key, record);
      out.push(record);
    }
    addEventToBucket(record.partial, event, kind);
  };
  for (const event of events) {
    const bucketStart = Math.floor(event.time / bucketMs) * bucketMs;
    const partials = child(buckets, bucketStart, () => ({ client: new Map(), ip: new Map(), service: new Map(), route: new Map() }));
    const { client, service } = event;
    if (wantClient) add(partials.client, client.key, bucketStart, event, 'client');
    if (wantIp && client.key !== client.ip) add(partials.ip, client.ip, bucketStart, event, 'ip');
    if (wantRoute) {
      const byRoute = child(child(partials.route, service, newMethodMap), event.request.method, newRouteMap);
      add(byRoute, event.request.route, bucketStart, event, 'route');
    }
    if (wantService) add(partials.service, service, bucketStart, event, 'service');
  }
  return out;
}
