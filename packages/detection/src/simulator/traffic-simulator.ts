// A seeded traffic simulator of the fictional API: daily cycle, heavy-tailed clients, a smooth
// ramp, benign blips, a client that appears mid-run, and injectable attacks. Time is a parameter
// (start, duration); events come out in time order. Used by the scenario suite, `vigil demo`
// and the benchmarks.

import type { ApiAccessEvent } from '@vigil/contract';
import { ROUTES, findRoute, makeClients, type RouteProfile, type SimulatedClient } from './fictional-api';
import { Prng, cumulative } from './prng';
import { ATTACK_BEHAVIOURS, type Attack } from './attacks';

export interface SimulationOptions {
  seed: number;
  /** Epoch ms of the first event. */
  start: number;
  durationMs: number;
  /** Mean requests per second of normal traffic before the daily cycle and the ramp. */
  requestsPerSecond: number;
  attacks?: readonly Attack[];
  /** Peak-to-mean amplitude of the daily cycle (0.6: trough 0.4×, peak 1.6× at 15:00 UTC). */
  dailyAmplitude?: number;
  /** Traffic grows smoothly by this factor over the whole run (2: a 2× ramp). */
  rampFactor?: number;
  /** Short benign bursts per simulated day. */
  blipsPerDay?: number;
  /** Epoch ms at which a new, steady API client starts calling; undefined: none. */
  newClientAt?: number;
}

/** Everything attacks need to make or change events. */
export interface SimulationContext {
  prng: Prng;
  clients: readonly SimulatedClient[];
  /** Normal requests per second at time t (daily cycle and ramp applied). */
  rateAt(t: number): number;
  makeEvent(client: SimulatedClient, route: RouteProfile, time: number, overrides?: EventOverrides): ApiAccessEvent;
}

export interface EventOverrides {
  status?: number;
  objectId?: string;
  bytes?: number;
  latencyMs?: number;
}

interface Blip {
  start: number;
  end: number;
  client: SimulatedClient;
  /** Extra requests per second from the client during the blip. */
  extraPerSecond: number;
}

const NEW_CLIENT: SimulatedClient = { key: 'key-newcomer', id: 'key-newcomer', ip: '172.16.9.9', weight: 0 };

function statusFor(route: RouteProfile, prng: Prng): number {
  const r = prng.next();
  if (r < route.authFailureRate) return 401;
  if (r < route.authFailureRate + 0.003) return 500;
  if (r < route.authFailureRate + 0.013) return 404;
  return 200;
}

export function* simulateTraffic(options: SimulationOptions): Generator<ApiAccessEvent> {
  const prng = new Prng(options.seed);
  const clients = makeClients();
  const clientIndex = new Map(clients.map((c, i) => [c, i]));
  const newClientWeight = (clients[8] as SimulatedClient).weight;
  const clientCumulative = cumulative(clients.map((c) => c.weight));
  const routeCumulative = cumulative(ROUTES.map((r) => r.weight));
  const amplitude = options.dailyAmplitude ?? 0.6;
  const ramp = (options.rampFactor ?? 2) - 1;
  const end = options.start + options.durationMs;
  let requestCounter = 0;

  const rateAt = (t: number) => {
    const hour = (t / 3_600_000) % 24;
    const daily = 1 + amplitude * Math.sin((2 * Math.PI * (hour - 9)) / 24);
    return options.requestsPerSecond * daily * (1 + (ramp * (t - options.start)) / options.durationMs);
  };

  const makeEvent = (client: SimulatedClient, route: RouteProfile, time: number, o: EventOverrides = {}): ApiAccessEvent => {
    const objectId = route.hasObjectId ? (o.objectId ?? String((clientIndex.get(client) ?? 0) * 100 + prng.int(30))) : undefined;
    const event: ApiAccessEvent = {
      v: 1,
      time,
      gateway: 'nginx',
      service: route.service,
      client: client.id === undefined ? { ip: client.ip, key: client.key } : { ip: client.ip, id: client.id, key: client.key },
      request: {
        method: route.method,
        path: objectId === undefined ? route.route : route.route.replace('{id}', objectId),
        route: route.route,
        id: `r${options.seed.toString(36)}-${(requestCounter++).toString(36)}`,
      },
      response: {
        status: o.status ?? statusFor(route, prng),
        bytes: Math.round(o.bytes ?? prng.logNormal(route.bytesMedian, 0.6)),
        latencyMs: Math.round((o.latencyMs ?? prng.logNormal(route.latencyMedianMs, 0.4)) * 10) / 10,
      },
    };
    if (objectId !== undefined) event.request.objectId = objectId;
    return event;
  };

  const context: SimulationContext = { prng, clients, rateAt, makeEvent };
  const blips = scheduleBlips(options, prng, clients);
  const attacks = (options.attacks ?? []).map((attack) => ({ attack, behaviour: ATTACK_BEHAVIOURS[attack.kind](attack, context) }));

  for (let second = options.start; second < end; second += 1000) {
    const batch: ApiAccessEvent[] = [];
    const active = attacks.filter(({ attack }) => second >= attack.start && second < attack.start + attack.durationMs);
    const rate = rateAt(second);
    const newClientActive = options.newClientAt !== undefined && second >= options.newClientAt;
    const total = rate * (1 + (newClientActive ? newClientWeight : 0));
    for (let i = prng.poisson(total); i > 0; i--) {
      const time = second + prng.int(1000);
      const client = newClientActive && prng.chance(newClientWeight / (1 + newClientWeight)) ? NEW_CLIENT : (clients[prng.pickCumulative(clientCumulative)] as SimulatedClient);
      let event: ApiAccessEvent | undefined = makeEvent(client, ROUTES[prng.pickCumulative(routeCumulative)] as RouteProfile, time);
      for (const { behaviour } of active) event = event && behaviour.transform ? behaviour.transform(event) : event;
      if (event !== undefined) batch.push(event);
    }
    for (const blip of blips) {
      if (second < blip.start || second >= blip.end) continue;
      for (let i = prng.poisson(blip.extraPerSecond); i > 0; i--) {
        batch.push(makeEvent(blip.client, ROUTES[prng.pickCumulative(routeCumulative)] as RouteProfile, second + prng.int(1000)));
      }
    }
    for (const { behaviour } of active) behaviour.emit?.(second, batch);
    batch.sort((a, b) => a.time - b.time);
    yield* batch;
  }
}

/** Benign bursts: a busy client doubles for 20–40 s, or a route gets 50% more for half a minute. */
function scheduleBlips(options: SimulationOptions, prng: Prng, clients: readonly SimulatedClient[]): Blip[] {
  const count = Math.round(((options.blipsPerDay ?? 12) * options.durationMs) / 86_400_000);
  return Array.from({ length: count }, () => {
    const start = options.start + prng.int(options.durationMs);
    const client = clients[prng.int(20)] as SimulatedClient;
    const extraPerSecond = options.requestsPerSecond * client.weight * (0.5 + prng.next() * 0.5);
    return { start, end: start + 20_000 + prng.int(20_000), client, extraPerSecond };
  });
}

