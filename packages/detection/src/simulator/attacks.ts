// Injectable attacks and incidents. Each either emits extra events each second (emit) or changes
// normal events while it lasts (transform: return undefined to drop the event).

import type { ApiAccessEvent } from '@vigil/contract';
import { findRoute, type SimulatedClient } from './fictional-api';
import type { SimulationContext } from './traffic-simulator';

export const ATTACK_KINDS = [
  'brute-force',
  'credential-stuffing',
  'enumeration',
  'route-flood',
  'outage',
  'latency-degradation',
  'egress-spike',
  'slow-ramp',
  'traffic-drop',
] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

export interface Attack {
  kind: AttackKind;
  /** Epoch ms. */
  start: number;
  durationMs: number;
}

export interface AttackBehaviour {
  emit?(second: number, batch: ApiAccessEvent[]): void;
  transform?(event: ApiAccessEvent): ApiAccessEvent | undefined;
}

type BehaviourFactory = (attack: Attack, ctx: SimulationContext) => AttackBehaviour;

/** Emits Poisson(perSecond) events a second, each made by `make` at a random time in the second. */
function steady(ctx: SimulationContext, perSecond: (second: number) => number, make: (time: number) => ApiAccessEvent): AttackBehaviour {
  return {
    emit(second, batch) {
      for (let i = ctx.prng.poisson(perSecond(second)); i > 0; i--) batch.push(make(second + ctx.prng.int(1000)));
    },
  };
}

function anonymous(ip: string): SimulatedClient {
  return { key: ip, ip, weight: 0 };
}

const login = findRoute('POST', '/login');

export const ATTACK_BEHAVIOURS: Record<AttackKind, BehaviourFactory> = {
  /** One IP, no API key, guessing passwords at 4 per second. */
  'brute-force': (_attack, ctx) => {
    const attacker = anonymous('203.0.113.66');
    return steady(ctx, () => 4, (t) => ctx.makeEvent(attacker, login, t, { status: ctx.prng.chance(0.97) ? 401 : 200 }));
  },
  /** 400 IPs, each trying a leaked credential every 30 s or so: 12 per second in all. */
  'credential-stuffing': (_attack, ctx) => {
    const ips = Array.from({ length: 400 }, (_, i) => anonymous(`198.51.${100 + (i >> 8)}.${i & 255}`));
    return steady(ctx, () => 12, (t) => ctx.makeEvent(ips[ctx.prng.int(ips.length)] as SimulatedClient, login, t, { status: ctx.prng.chance(0.92) ? 401 : 200 }));
  },
  /** A logged-in API client walks user ids one by one, 5 per second. */
  enumeration: (_attack, ctx) => {
    const scraper = ctx.clients[10] as SimulatedClient;
    const users = findRoute('GET', '/users/{id}');
    let next = 100_000;
    return steady(ctx, () => 5, (t) => ctx.makeEvent(scraper, users, t, { objectId: String(next++), status: ctx.prng.chance(0.3) ? 404 : 200 }));
  },
  /** 20 anonymous IPs hammer one route at 25 requests per second. */
  'route-flood': (_attack, ctx) => {
    const bots = Array.from({ length: 20 }, (_, i) => anonymous(`203.0.113.${i + 1}`));
    const products = findRoute('GET', '/products/{id}');
    return steady(ctx, () => 25, (t) => ctx.makeEvent(bots[ctx.prng.int(bots.length)] as SimulatedClient, products, t));
  },
  /** The shop's upstream fails: 60% of its requests end in 503. */
  outage: (_attack, ctx) => ({
    transform: (event) => (event.service === 'shop' && ctx.prng.chance(0.6) ? { ...event, response: { ...event.response, status: 503 } } : event),
  }),
  /** Image serving slows down six-fold. */
  'latency-degradation': () => ({
    transform: (event) =>
      event.request.route === '/images/{id}' ? { ...event, response: { ...event.response, latencyMs: (event.response.latencyMs ?? 0) * 6 } } : event,
  }),
  /** An API client downloads 4 MB files at 1.5 per second. */
  'egress-spike': (_attack, ctx) => {
    const client = ctx.clients[5] as SimulatedClient;
    const downloads = findRoute('GET', '/downloads/{id}');
    return steady(ctx, () => 1.5, (t) => ctx.makeEvent(client, downloads, t, { bytes: 4_000_000 + ctx.prng.int(500_000) }));
  },
  /** The busiest client grows its traffic gently to 8× over 40 minutes, never jumping. */
  'slow-ramp': (attack, ctx) => {
    const client = ctx.clients[0] as SimulatedClient;
    const products = findRoute('GET', '/products');
    const rampMs = 40 * 60_000;
    return steady(
      ctx,
      (second) => ctx.rateAt(second) * client.weight * 7 * Math.min(1, (second - attack.start) / rampMs),
      (t) => ctx.makeEvent(client, products, t),
    );
  },
  /** The search service stops receiving traffic (a broken gateway route): 97% of it vanishes. */
  'traffic-drop': (_attack, ctx) => ({
    transform: (event) => (event.service === 'search' && ctx.prng.chance(0.97) ? undefined : event),
  }),
};
