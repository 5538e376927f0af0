// One entity's event-time bucket as plain data: the signals every detector reads. `mergeBucket`
// is associative, so partial aggregates from several detector instances (repartition.v1) and
// checkpoints combine into the same bucket whatever the order.

import type { ApiAccessEvent, EntityKind } from '@vigil/contract';
import { addDistinct, emptyDistinctCounter, hashString, mergeDistinct, type DistinctCounter } from './sketch/distinct-counter';
import { addLatency, emptyLatencySketch, mergeLatency, setSingleLatency, type LatencySketch } from './sketch/latency-sketch';
import { mergeTopK, withTopK, type TopK } from './sketch/top-k';

export interface BucketAggregate {
  requests: number;
  status4xx: number;
  status5xx: number;
  /** 401 and 403 responses. */
  authFailures: number;
  /** 429 responses. */
  rateLimited: number;
  bytes: number;
  latency: LatencySketch;
  /** Distinct object ids (enumeration); kept for clients only. */
  objectIds?: DistinctCounter;
  /** Top routes (not kept for route entities) and clients (not kept for client entities). */
  topRoutes: TopK;
  topClients: TopK;
  /** A few request ids per outcome, for evidence: any request, 5xx, auth failures. */
  sampleIds: string[];
  errorSampleIds: string[];
  authSampleIds: string[];
}

const SAMPLE_IDS_PER_BUCKET = 5;

export function emptyBucket(): BucketAggregate {
  return {
    requests: 0,
    status4xx: 0,
    status5xx: 0,
    authFailures: 0,
    rateLimited: 0,
    bytes: 0,
    latency: emptyLatencySketch(),
    topRoutes: [],
    topClients: [],
    sampleIds: [],
    errorSampleIds: [],
    authSampleIds: [],
  };
}

/** The ids with one more sample; the first is an exact-size array (a push would reserve 17 slots). */
function sample(ids: string[], id: string | undefined): string[] {
  if (id === undefined || ids.length >= SAMPLE_IDS_PER_BUCKET) return ids;
  if (ids.length === 0) return [id];
  ids.push(id);
  return ids;
}

/** "METHOD /route/{id}": the route entity key (scoped by service in the entity id). */
export function routeKey(event: ApiAccessEvent): string {
  return `${event.request.method} ${event.request.route}`;
}

/** Adds one event to an entity's bucket in place (the hot path: no allocation beyond evidence). */
export function addEventToBucket(bucket: BucketAggregate, event: ApiAccessEvent, kind: EntityKind, route = routeKey(event)): void {
  addEventFields(bucket, kind, event.response.status, event.response.bytes, event.response.latencyMs, event.request.id, event.request.objectId, event.client.key, route);
}

/** addEventToBucket on the fields of an event a bucket reads (latencyMs NaN acts as absent). */
export function addEventFields(
  bucket: BucketAggregate,
  kind: EntityKind,
  status: number,
  bytes: number,
  latencyMs: number | undefined,
  requestId: string | undefined,
  objectId: string | undefined,
  clientKey: string,
  route: string,
): void {
  bucket.requests += 1;
  bucket.bytes += bytes;
  if (status >= 500) {
    bucket.status5xx += 1;
    bucket.errorSampleIds = sample(bucket.errorSampleIds, requestId);
  } else if (status >= 400) {
    bucket.status4xx += 1;
    if (status === 401 || status === 403) {
      bucket.authFailures += 1;
      bucket.authSampleIds = sample(bucket.authSampleIds, requestId);
    } else if (status === 429) {
      bucket.rateLimited += 1;
    }
  }
  if (latencyMs !== undefined) addLatency(bucket.latency, latencyMs);
  if (kind === 'client' && objectId !== undefined) {
    bucket.objectIds ??= emptyDistinctCounter();
    addDistinct(bucket.objectIds, objectId);
  }
  if (kind !== 'route') bucket.topRoutes = withTopK(bucket.topRoutes, route);
  if (kind !== 'client') bucket.topClients = withTopK(bucket.topClients, clientKey);
  bucket.sampleIds = sample(bucket.sampleIds, requestId);
}

/**
 * A reusable bucket for reading one-event aggregates (scoring) without allocating: `of` writes into
 * it what addEventFields on an empty bucket would hold, reusing its arrays. The result is valid
 * until the next `of`, and must not be kept or changed.
 */
export class OneEventBucket {
  readonly bucket: BucketAggregate = emptyBucket();
  private readonly objectIds: DistinctCounter & { exact: number[] } = { exact: [0] };
  private readonly route: [string, number] = ['', 1];
  private readonly client: [string, number] = ['', 1];
  private readonly lists = { routes: [this.route], clients: [this.client], all: [''], errors: [''], auth: [''] };
  private readonly none = { routes: [] as TopK, clients: [] as TopK, all: [] as string[], errors: [] as string[], auth: [] as string[] };

  of(
    kind: EntityKind,
    status: number,
    bytes: number,
    latencyMs: number,
    requestId: string | undefined,
    objectId: string | undefined,
    clientKey: string,
    route: string,
  ): BucketAggregate {
    const b = this.bucket;
    const { lists, none } = this;
    const error = status >= 500;
    const auth = !error && status >= 400 && (status === 401 || status === 403);
    b.requests = 1;
    b.bytes = 0 + bytes;
    b.status5xx = error ? 1 : 0;
    b.status4xx = !error && status >= 400 ? 1 : 0;
    b.authFailures = auth ? 1 : 0;
    b.rateLimited = !error && status === 429 ? 1 : 0;
    setSingleLatency(b.latency, latencyMs);
    if (kind === 'client' && objectId !== undefined) {
      this.objectIds.exact[0] = hashString(objectId);
      b.objectIds = this.objectIds;
    } else {
      b.objectIds = undefined;
    }
    this.route[0] = route;
    this.route[1] = 1;
    b.topRoutes = kind !== 'route' ? lists.routes : none.routes;
    this.client[0] = clientKey;
    this.client[1] = 1;
    b.topClients = kind !== 'client' ? lists.clients : none.clients;
    if (requestId === undefined) {
      b.sampleIds = none.all;
      b.errorSampleIds = none.errors;
      b.authSampleIds = none.auth;
    } else {
      lists.all[0] = requestId;
      lists.errors[0] = requestId;
      lists.auth[0] = requestId;
      b.sampleIds = lists.all;
      b.errorSampleIds = error ? lists.errors : none.errors;
      b.authSampleIds = auth ? lists.auth : none.auth;
    }
    return b;
  }
}

/** The aggregate of a list of events, e.g. the partial one instance ships for another. */
export function aggregateBucket(events: Iterable<ApiAccessEvent>, kind: EntityKind): BucketAggregate {
  const bucket = emptyBucket();
  for (const event of events) addEventToBucket(bucket, event, kind);
  return bucket;
}

function mergeSamples(a: readonly string[], b: readonly string[]): string[] {
  return [...a, ...b.filter((id) => !a.includes(id))].slice(0, SAMPLE_IDS_PER_BUCKET);
}

/** Combines two partial aggregates of the same entity and bucket into a new one. */
export function mergeBucket(a: BucketAggregate, b: BucketAggregate): BucketAggregate {
  const merged: BucketAggregate = {
    requests: a.requests + b.requests,
    status4xx: a.status4xx + b.status4xx,
    status5xx: a.status5xx + b.status5xx,
    authFailures: a.authFailures + b.authFailures,
    rateLimited: a.rateLimited + b.rateLimited,
    bytes: a.bytes + b.bytes,
    latency: mergeLatency(a.latency, b.latency),
    topRoutes: mergeTopK(a.topRoutes, b.topRoutes),
    topClients: mergeTopK(a.topClients, b.topClients),
    sampleIds: mergeSamples(a.sampleIds, b.sampleIds),
    errorSampleIds: mergeSamples(a.errorSampleIds, b.errorSampleIds),
    authSampleIds: mergeSamples(a.authSampleIds, b.authSampleIds),
  };
  if (a.objectIds !== undefined || b.objectIds !== undefined) {
    merged.objectIds = mergeDistinct(a.objectIds ?? emptyDistinctCounter(), b.objectIds ?? emptyDistinctCounter());
  }
  return merged;
}
