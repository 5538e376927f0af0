// Deterministic API traffic with injected attacks, for the detector's unit and integration tests:
// steady clients (some identified by IP, some by API key), then a flood from one client and a
// brute force on /login from one API key's IP. Not part of the service's public surface.

import { ENCODING_EVENT_BATCH, ENCODING_HEADER, encodeEventBatch, type Anomaly, type ApiAccessEvent } from '@vigil/contract';
import type { OutgoingRecord } from '@vigil/transport';

export type Attack =
  | { kind: 'flood'; client: number; fromBucket: number; toBucket: number; perBucket: number }
  | { kind: 'brute-force'; client: number; fromBucket: number; toBucket: number; perBucket: number };

interface TrafficOptions {
  /** Epoch ms of the first bucket's start. */
  start: number;
  bucketSeconds: number;
  fromBucket?: number;
  toBucket: number;
  /** Clients 0..ipClients-1 are known by IP, the next keyClients by API key. */
  ipClients?: number;
  keyClients?: number;
  perClientPerBucket?: number;
  attacks?: readonly Attack[];
}

const SERVICE = 'shop';
const ROUTES = [
  { method: 'GET', route: '/products/{id}', path: (n: number) => `/products/${n}`, objectId: true },
  { method: 'GET', route: '/cart', path: () => '/cart', objectId: false },
  { method: 'POST', route: '/login', path: () => '/login', objectId: false },
] as const;

function clientIdentity(client: number, ipClients: number): { ip: string; id?: string; key: string } {
  if (client < ipClients) {
    const ip = `10.0.${Math.floor(client / 250)}.${(client % 250) + 1}`;
    return { ip, key: ip };
  }
  const n = client - ipClients;
  const ip = `192.168.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  return { ip, id: `key-${n}`, key: `key-${n}` };
}

function request(time: number, client: ReturnType<typeof clientIdentity>, routeIndex: number, n: number, status: number): ApiAccessEvent {
  const route = ROUTES[routeIndex % ROUTES.length]!;
  return {
    v: 1,
    time,
    gateway: 'nginx',
    service: SERVICE,
    client: { ...client, userAgent: 'fixture/1.0' },
    request: {
      method: route.method,
      path: route.path(n),
      route: route.route,
      ...(route.objectId ? { objectId: String(n) } : {}),
      id: `req-${time}-${client.key}-${n}`,
    },
    response: { status, bytes: 800 + (n % 7) * 50, latencyMs: 20 + (n % 5) },
  };
}

/** Events of the bucket range, in time order. */
function generateTraffic(options: TrafficOptions): ApiAccessEvent[] {
  const { start, bucketSeconds, fromBucket = 0, toBucket, ipClients = 12, keyClients = 8, perClientPerBucket = 3, attacks = [] } = options;
  const bucketMs = bucketSeconds * 1000;
  const events: ApiAccessEvent[] = [];
  for (let bucket = fromBucket; bucket < toBucket; bucket++) {
    const bucketStart = start + bucket * bucketMs;
    for (let client = 0; client < ipClients + keyClients; client++) {
      const identity = clientIdentity(client, ipClients);
      for (let i = 0; i < perClientPerBucket; i++) {
        const n = bucket * 1000 + client * 10 + i;
        const time = bucketStart + Math.floor(((i + 0.5) * bucketMs) / perClientPerBucket) - (client % 5);
        events.push(request(time, identity, client + i + bucket, n, 200));
      }
    }
    for (const attack of attacks) {
      if (bucket < attack.fromBucket || bucket >= attack.toBucket) continue;
      const identity = clientIdentity(attack.client, ipClients);
      for (let i = 0; i < attack.perBucket; i++) {
        const time = bucketStart + Math.floor((i * bucketMs) / attack.perBucket);
        const n = 900_000 + bucket * 1000 + i;
        events.push(attack.kind === 'flood' ? request(time, identity, 0, n, 200) : request(time, identity, 2, n, 401));
      }
    }
  }
  return events.sort((a, b) => a.time - b.time);
}

/** events.v1 records as the collector writes them: per partition of the client key, in order, up to 200 events each. */
export function eventRecords(
  events: readonly ApiAccessEvent[],
  partitionCount: number,
  partitionFor: (key: string, count: number) => number,
): OutgoingRecord[] {
  const byPartition = new Map<number, ApiAccessEvent[]>();
  for (const event of events) {
    const partition = partitionFor(event.client.key, partitionCount);
    const list = byPartition.get(partition);
    if (list === undefined) byPartition.set(partition, [event]);
    else list.push(event);
  }
  const records: OutgoingRecord[] = [];
  for (const [partition, list] of byPartition) {
    for (let i = 0; i < list.length; i += 200) {
      const batch = list.slice(i, i + 200);
      records.push({
        key: batch[0]!.client.key,
        partition,
        value: encodeEventBatch(batch),
        headers: { [ENCODING_HEADER]: ENCODING_EVENT_BATCH },
      });
    }
  }
  return records;
}

/** The scenario the detector tests share: 40 buckets, a flood at bucket 25, a brute force at 32. */
export const SCENARIO = {
  start: Date.UTC(2026, 0, 5, 9, 0, 0),
  bucketSeconds: 10,
  buckets: 40,
  env: { VIGIL_BUCKET_SECONDS: '10', VIGIL_WARMUP_BUCKETS: '10' },
  attacks: [
    { kind: 'flood', client: 3, fromBucket: 25, toBucket: 27, perBucket: 300 },
    { kind: 'brute-force', client: 14, fromBucket: 32, toBucket: 34, perBucket: 120 },
  ] as const satisfies readonly Attack[],
  /** What the attacks must produce (see describeFirings), whether one detector or several saw the traffic. */
  expectedFirings: [
    'auth-failure-surge client key-2 @32',
    'auth-failure-surge ip 192.168.0.3 @32',
    'auth-failure-surge route POST /login @32',
    'auth-failure-surge service shop @32',
    'enumeration client 10.0.0.4 @25',
    'traffic-spike client 10.0.0.4 @25',
    'traffic-spike client key-2 @32',
    'traffic-spike ip 192.168.0.3 @32',
    'traffic-spike route GET /products/{id} @25',
    'traffic-spike route POST /login @32',
  ],
};

/** The scenario's events of a bucket range. */
export function scenarioTraffic(fromBucket: number, toBucket: number): ApiAccessEvent[] {
  return generateTraffic({ start: SCENARIO.start, bucketSeconds: SCENARIO.bucketSeconds, fromBucket, toBucket, attacks: SCENARIO.attacks });
}

/** "detector kind key @bucket" of every firing, sorted: the set two runs must agree on. */
export function describeFirings(anomalies: readonly Anomaly[]): string[] {
  const bucketMs = SCENARIO.bucketSeconds * 1000;
  return anomalies
    .filter((a) => a.state === 'firing')
    .map((a) => `${a.detector} ${a.entity.kind} ${a.entity.key} @${(a.window.start - SCENARIO.start) / bucketMs}`)
    .sort();
}

/** "id state window" of every record: a repeat means an anomaly was published twice. */
export function anomalySteps(anomalies: readonly Anomaly[]): string[] {
  return anomalies.map((a) => `${a.id} ${a.state} ${a.window.start}`);
}
