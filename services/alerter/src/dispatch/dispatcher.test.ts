import { describe, expect, it } from 'vitest';
import { anomalyFixture } from '../anomaly-fixture';
import { RELATED_MAX } from './correlation';
import { Dispatcher, type DispatchTiming } from './dispatcher';
import { groupKeyFunction } from './group-key';

const timing: DispatchTiming = { groupWaitMs: 10_000, groupIntervalMs: 60_000, repeatIntervalMs: 3_600_000 };
const byDetectorAndEntity = groupKeyFunction(['detector', 'entityKind', 'entityKey']);
const T0 = 5_000_000;

function dispatcher(): Dispatcher {
  return new Dispatcher(timing, byDetectorAndEntity);
}

describe('Dispatcher', () => {
  it('sends the first notification of a new alert at once', () => {
    const out = dispatcher().ingest(anomalyFixture(), T0, 0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'firing', groupKey: 'traffic-spike|client|key-42', groupSize: 1 });
  });

  it('folds fifty firing buckets of one incident into one message', () => {
    const d = dispatcher();
    const sent = Array.from({ length: 50 }, (_, i) =>
      d.ingest(anomalyFixture({ window: { start: T0 + i * 10_000, end: T0 + (i + 1) * 10_000 } }), T0 + i * 10_000, 0),
    ).flat();
    expect(sent.map((n) => n.kind)).toEqual(['firing']);
  });

  it('keeps separate groups for separate entities', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    const other = d.ingest(anomalyFixture({ id: 'an-2', entity: { kind: 'client', key: 'key-7' } }), T0, 0);
    expect(other).toHaveLength(1);
    expect(d.activeGroups()).toBe(2);
  });

  it('batches a severity increase until group wait and group interval have passed', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    expect(d.ingest(anomalyFixture({ severity: 'critical' }), T0 + 1_000, 0)).toEqual([]);
    expect(d.due(T0 + 59_999)).toEqual([]);
    const update = d.due(T0 + 60_000);
    expect(update).toHaveLength(1);
    expect(update[0]).toMatchObject({ kind: 'updated', groupSize: 2, anomaly: { severity: 'critical' } });
    expect(d.due(T0 + 120_000)).toEqual([]);
  });

  it('does not notify when severity stays the same or goes down', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture({ severity: 'critical' }), T0, 0);
    d.ingest(anomalyFixture({ severity: 'warning' }), T0 + 1_000, 0);
    expect(d.due(T0 + 600_000)).toEqual([]);
  });

  it('sends a resolution after the group interval and forgets the group', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    expect(d.ingest(anomalyFixture({ state: 'resolved' }), T0 + 70_000, 0)).toEqual([]);
    const resolved = d.due(T0 + 80_000);
    expect(resolved.map((n) => n.kind)).toEqual(['resolved']);
    expect(d.activeGroups()).toBe(0);
  });

  it('ignores the resolution of an alert it never notified', () => {
    expect(dispatcher().ingest(anomalyFixture({ state: 'resolved' }), T0, 0)).toEqual([]);
  });

  it('cancels a pending resolution when the alert fires again', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    d.ingest(anomalyFixture({ state: 'resolved' }), T0 + 1_000, 0);
    d.ingest(anomalyFixture({ state: 'updated' }), T0 + 2_000, 0);
    expect(d.due(T0 + 120_000)).toEqual([]);
  });

  it('repeats a still-firing alert after the repeat interval', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    expect(d.due(T0 + 3_599_999)).toEqual([]);
    expect(d.due(T0 + 3_600_000).map((n) => n.kind)).toEqual(['firing']);
  });

  it('opens a new incident with a new idempotency key after a resolution', () => {
    const d = dispatcher();
    const first = d.ingest(anomalyFixture(), T0, 0);
    d.ingest(anomalyFixture({ state: 'resolved' }), T0 + 60_000, 0);
    d.due(T0 + 70_000);
    const again = d.ingest(anomalyFixture({ id: 'an-9', window: { start: T0 + 90_000, end: T0 + 100_000 } }), T0 + 90_000, 0);
    expect(again[0]?.kind).toBe('firing');
    expect(again[0]?.idempotencyKey).not.toBe(first[0]?.idempotencyKey);
  });

  it('re-emits the same idempotency key from restored state after a crash', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    const persisted = d.takeChanged();
    d.ingest(anomalyFixture({ severity: 'critical' }), T0 + 1_000, 0);
    const beforeCrash = d.due(T0 + 60_000);

    const restarted = new Dispatcher(timing, byDetectorAndEntity);
    restarted.adopt(persisted);
    restarted.ingest(anomalyFixture({ severity: 'critical' }), T0 + 61_000, 0);
    const afterRestart = restarted.due(T0 + 130_000);
    expect(afterRestart.map((n) => n.idempotencyKey)).toEqual(beforeCrash.map((n) => n.idempotencyKey));
  });

  it('reports changed groups once, including closed ones', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    d.ingest(anomalyFixture({ state: 'resolved' }), T0 + 60_000, 0);
    d.due(T0 + 70_000);
    expect(d.takeChanged().map((g) => g.closed)).toEqual([true]);
    expect(d.takeChanged()).toEqual([]);
  });
});

describe('Dispatcher partition ownership', () => {
  it('stops repeating the groups of a released partition and keeps the others', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    d.ingest(anomalyFixture({ id: 'an-2', entity: { kind: 'client', key: 'key-7' } }), T0, 1);
    expect(d.release(new Set([0]))).toBe(1);
    expect(d.due(T0 + 3_600_000).map((n) => n.anomaly.id)).toEqual(['an-2']);
  });

  it('follows the partition of the latest anomaly of a group', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture(), T0, 0);
    d.ingest(anomalyFixture(), T0 + 1_000, 1);
    expect(d.release(new Set([0]))).toBe(0);
    expect(d.release(new Set([1]))).toBe(1);
  });

  it('adopts restored open groups it does not hold and leaves the one it holds alone', () => {
    const previousOwner = dispatcher();
    previousOwner.ingest(anomalyFixture(), T0, 0);
    previousOwner.ingest(anomalyFixture({ id: 'an-2', entity: { kind: 'client', key: 'key-7' } }), T0, 0);
    const saved = previousOwner.takeChanged();

    const d = dispatcher();
    d.ingest(anomalyFixture({ window: { start: T0 + 10_000, end: T0 + 20_000 } }), T0 + 10_000, 0);
    expect(d.adopt(saved)).toBe(1);
    expect(d.activeGroups()).toBe(2);
    // The adopted group repeats on the schedule its previous owner kept; the held one on its own.
    expect(d.due(T0 + 3_600_000).map((n) => n.anomaly.id)).toEqual(['an-2']);
  });
});

describe('Dispatcher routing severity', () => {
  it('routes a resolution by the worst severity announced, not the resolving record', () => {
    const d = dispatcher();
    d.ingest(anomalyFixture({ severity: 'critical' }), T0, 0);
    d.ingest(anomalyFixture({ severity: 'info', state: 'resolved' }), T0 + 60_000, 0);
    expect(d.due(T0 + 70_000).map((n) => [n.kind, n.routeSeverity])).toEqual([['resolved', 'critical']]);
  });
});

describe('Dispatcher rollback', () => {
  it('emits the same notification again after rolling back a failed batch', () => {
    const d = dispatcher();
    const before = d.snapshot();
    const first = d.ingest(anomalyFixture(), T0, 0);
    d.rollback(before);
    expect(d.ingest(anomalyFixture(), T0 + 5, 0)).toEqual(first);
  });
});

describe('Dispatcher and silences', () => {
  /** A silence on every anomaly that ends at `until`. */
  const silencedUntil = (until: number) => new Dispatcher(timing, byDetectorAndEntity, (_anomaly, now) => (now < until ? 's1' : undefined));

  it('announces a still-firing incident at the first check after its silence ends, not at the repeat interval', () => {
    const d = silencedUntil(T0 + 30_000);
    expect(d.ingest(anomalyFixture(), T0, 0).map((n) => [n.kind, n.silenceId])).toEqual([['firing', 's1']]);
    expect(d.due(T0 + 29_999)).toEqual([]);
    const announced = d.due(T0 + 30_000);
    expect(announced.map((n) => [n.kind, n.silenceId])).toEqual([['firing', undefined]]);
    expect(d.due(T0 + 31_000)).toEqual([]);
    // Announced now: its resolution goes out as usual.
    d.ingest(anomalyFixture({ state: 'resolved' }), T0 + 100_000, 0);
    expect(d.due(T0 + 100_000 + timing.groupIntervalMs).map((n) => n.kind)).toEqual(['resolved']);
  });

  it('sends no resolution for an incident whose every notification was muted, even after the silence ends', () => {
    const d = silencedUntil(T0 + 200_000);
    d.ingest(anomalyFixture(), T0, 0);
    d.ingest(anomalyFixture({ state: 'resolved' }), T0 + 100_000, 0);
    expect(d.due(T0 + 300_000)).toEqual([]);
    expect(d.activeGroups()).toBe(0);
    expect(d.takeChanged().map((g) => g.closed)).toEqual([true]);
  });

  it('opens a muted incident whose severity rises after the silence with a firing, not an update', () => {
    const d = silencedUntil(T0 + 5_000);
    d.ingest(anomalyFixture({ severity: 'warning' }), T0, 0);
    d.ingest(anomalyFixture({ severity: 'critical' }), T0 + 1_000, 0);
    expect(d.due(T0 + 60_000).map((n) => [n.kind, n.anomaly.severity, n.silenceId])).toEqual([['firing', 'critical', undefined]]);
  });

  it('reads group state saved without the silence fields as announced', () => {
    const previousOwner = dispatcher();
    previousOwner.ingest(anomalyFixture(), T0, 0);
    const [saved] = previousOwner.takeChanged();
    const { neverAnnounced: _never, unannounced: _un, ...older } = saved!;
    const d = dispatcher();
    d.adopt([older]);
    d.ingest(anomalyFixture({ state: 'resolved' }), T0 + 100_000, 0);
    expect(d.due(T0 + 200_000).map((n) => n.kind)).toEqual(['resolved']);
  });
});

describe('Dispatcher correlation (VIGIL_CORRELATE_BY)', () => {
  const correlated = () => new Dispatcher(timing, byDetectorAndEntity, undefined, { by: ['client', 'route', 'service'], windowMs: 3_600_000 });
  const window = { start: T0, end: T0 + 10_000 };
  const evidence = (routes: Array<[string, number]>, clients: Array<[string, number]>) => ({
    topRoutes: routes.map(([key, count]) => ({ key, count })),
    topClients: clients.map(([key, count]) => ({ key, count })),
    sampleRequestIds: ['r-1'],
    recent: [1, 40],
  });
  /** One brute force as the detector reports it: the client, the login route (failures and volume) and the service. */
  const bruteForce = {
    client: anomalyFixture({ id: 'c', detector: 'auth-failure-surge', entity: { kind: 'client', key: '203.0.113.66' }, severity: 'critical', window, evidence: evidence([['POST /login', 40]], []) }),
    route: anomalyFixture({ id: 'r', detector: 'auth-failure-surge', entity: { kind: 'route', key: 'POST /login', service: 'accounts' }, severity: 'critical', window, evidence: evidence([], [['203.0.113.66', 40], ['10.0.0.7', 2], ['10.0.0.9', 1]]) }),
    service: anomalyFixture({ id: 's', detector: 'auth-failure-surge', entity: { kind: 'service', key: 'accounts' }, severity: 'critical', window, evidence: evidence([['POST /login', 48], ['GET /me', 30]], [['203.0.113.66', 40], ['10.0.0.7', 9]]) }),
    spike: anomalyFixture({ id: 'p', detector: 'traffic-spike', entity: { kind: 'route', key: 'POST /login', service: 'accounts' }, severity: 'warning', window, evidence: evidence([], [['203.0.113.66', 40], ['10.0.0.7', 2]]) }),
  };
  const resolvedOf = (a: (typeof bruteForce)['client'], at: number) => ({ ...a, state: 'resolved' as const, window: { start: at, end: at + 10_000 } });

  it('pages a brute force once and announces the route, service and traffic alerts it also raised in one update', () => {
    const d = correlated();
    const now = [bruteForce.client, bruteForce.route, bruteForce.service, bruteForce.spike].flatMap((a, i) => d.ingest(a, T0 + i * 1_000, i));
    expect(now.map((n) => [n.kind, n.groupKey])).toEqual([['firing', 'auth-failure-surge|client|203.0.113.66']]);
    expect(d.due(T0 + 59_999)).toEqual([]);
    const [update, ...more] = d.due(T0 + 60_000);
    expect(more).toEqual([]);
    expect(update).toMatchObject({ kind: 'updated', groupKey: 'auth-failure-surge|client|203.0.113.66', routeSeverity: 'critical' });
    expect(update!.related?.map((a) => `${a.detector} ${a.entity.kind} ${a.entity.key}`)).toEqual([
      'auth-failure-surge route POST /login',
      'auth-failure-surge service accounts',
      'traffic-spike route POST /login',
    ]);
    expect(d.due(T0 + 3_000_000)).toEqual([]);
  });

  it('resolves the incident once, when the last of its alerts resolves', () => {
    const d = correlated();
    for (const a of [bruteForce.client, bruteForce.route, bruteForce.spike]) d.ingest(a, T0, 0);
    d.due(T0 + 60_000);
    expect(d.ingest(resolvedOf(bruteForce.client, T0 + 100_000), T0 + 100_000, 0)).toEqual([]);
    expect(d.ingest(resolvedOf(bruteForce.route, T0 + 110_000), T0 + 110_000, 1)).toEqual([]);
    expect(d.due(T0 + 500_000)).toEqual([]);
    d.ingest(resolvedOf(bruteForce.spike, T0 + 600_000), T0 + 600_000, 2);
    const resolved = d.due(T0 + 610_000);
    expect(resolved.map((n) => [n.kind, n.groupKey, n.routeSeverity])).toEqual([['resolved', 'auth-failure-surge|client|203.0.113.66', 'critical']]);
    expect(resolved[0]!.related?.every((a) => a.state === 'resolved')).toBe(true);
    expect(d.activeGroups()).toBe(0);
  });

  it('announces a related alert more severe than the incident as an update routed at its severity', () => {
    const d = correlated();
    d.ingest({ ...bruteForce.spike, severity: 'warning' }, T0, 0);
    expect(d.ingest(bruteForce.client, T0 + 1_000, 1)).toEqual([]);
    expect(d.due(T0 + 60_000)[0]).toMatchObject({ kind: 'updated', routeSeverity: 'critical' });
  });

  it('keeps alerts that share nothing, or come after the correlation window, as incidents of their own', () => {
    const d = correlated();
    d.ingest(bruteForce.client, T0, 0);
    const outage = anomalyFixture({ id: 'o', detector: 'error-surge', entity: { kind: 'service', key: 'shop' }, window, evidence: evidence([['POST /cart', 30], ['GET /products', 30]], [['10.1.0.1', 5], ['10.1.0.2', 5]]) });
    expect(d.ingest(outage, T0 + 1_000, 1).map((n) => n.kind)).toEqual(['firing']);
    const late = { ...bruteForce.route, window: { start: T0 + 3_600_001, end: T0 + 3_610_001 } };
    expect(d.ingest(late, T0 + 2_000, 2).map((n) => n.kind)).toEqual(['firing']);
  });

  it('folds a service and its routes into one incident only for alerts of the same detector', () => {
    const d = correlated();
    const outage = (id: string, entity: (typeof bruteForce)['client']['entity']) =>
      anomalyFixture({ id, detector: 'error-surge', entity, window, evidence: evidence([['POST /cart', 30], ['GET /products', 30]], [['10.1.0.1', 5], ['10.1.0.2', 5]]) });
    expect(d.ingest(outage('o1', { kind: 'service', key: 'shop' }), T0, 0).map((n) => n.kind)).toEqual(['firing']);
    expect(d.ingest(outage('o2', { kind: 'route', key: 'POST /cart', service: 'shop' }), T0, 1)).toEqual([]);
    const drop = { ...outage('o3', { kind: 'route', key: 'GET /search', service: 'shop' }), detector: 'traffic-drop' };
    expect(d.ingest(drop, T0, 2).map((n) => n.kind)).toEqual(['firing']);
  });

  it('folds alerts by a route they name only when they come from the same detector', () => {
    const d = correlated();
    // A client flooding GET /health of one service, and 5xx on GET /health of another: two incidents.
    const flood = anomalyFixture({ id: 'f', detector: 'traffic-spike', entity: { kind: 'client', key: '198.51.100.7' }, window, evidence: evidence([['GET /health', 900]], []) });
    const outage = anomalyFixture({ id: 'o', detector: 'error-surge', entity: { kind: 'route', key: 'GET /health', service: 'billing' }, window, evidence: evidence([], [['10.1.0.1', 5], ['10.1.0.2', 5]]) });
    expect(d.ingest(flood, T0, 0).map((n) => n.kind)).toEqual(['firing']);
    expect(d.ingest(outage, T0, 1).map((n) => n.kind)).toEqual(['firing']);
    const spikeOnRoute = anomalyFixture({ id: 's', detector: 'traffic-spike', entity: { kind: 'route', key: 'GET /health', service: 'shop' }, window, evidence: evidence([], [['10.1.0.1', 5], ['10.1.0.2', 5]]) });
    expect(d.ingest(spikeOnRoute, T0, 2)).toEqual([]);
  });

  it('does not correlate when VIGIL_CORRELATE_BY is empty', () => {
    const d = dispatcher();
    const sent = [bruteForce.client, bruteForce.route, bruteForce.service].flatMap((a) => d.ingest(a, T0, 0));
    expect(sent.map((n) => n.kind)).toEqual(['firing', 'firing', 'firing']);
  });

  it('lets a member go on on its own when its lead moves to another instance', () => {
    const d = correlated();
    d.ingest(bruteForce.client, T0, 0);
    d.ingest(bruteForce.route, T0, 1);
    d.release(new Set([0]));
    expect(d.activeGroups()).toBe(1);
    d.ingest({ ...bruteForce.route, severity: 'critical', state: 'resolved' }, T0 + 100_000, 1);
    expect(d.due(T0 + 200_000).map((n) => [n.kind, n.groupKey])).toEqual([['resolved', 'auth-failure-surge|route|POST /login']]);
  });

  it('resolves a lead whose own alert is over once the members it waited for move to another instance', () => {
    const d = correlated();
    d.ingest(bruteForce.client, T0, 0);
    d.ingest(bruteForce.route, T0, 1);
    d.due(T0 + 60_000);
    d.ingest(resolvedOf(bruteForce.client, T0 + 100_000), T0 + 100_000, 0);
    expect(d.due(T0 + 200_000)).toEqual([]);
    d.release(new Set([1]));
    expect(d.due(T0 + 200_000).map((n) => [n.kind, n.groupKey])).toEqual([['resolved', 'auth-failure-surge|client|203.0.113.66']]);
  });

  it('restores a correlated incident from its saved state with its members', () => {
    const d = correlated();
    d.ingest(bruteForce.client, T0, 0);
    d.ingest(bruteForce.route, T0, 1);
    expect(d.due(T0 + 60_000).map((n) => n.kind)).toEqual(['updated']);
    const saved = d.takeChanged();
    const restored = correlated();
    expect(restored.adopt(saved)).toBe(2);
    expect(restored.ingest({ ...bruteForce.route, state: 'resolved' }, T0 + 100_000, 1)).toEqual([]);
    expect(restored.due(T0 + 200_000)).toEqual([]);
  });

  it('lets a new alert join a restored incident, and a rolled-back one', () => {
    const d = correlated();
    d.ingest(bruteForce.client, T0, 0);
    const restored = correlated();
    restored.adopt(d.takeChanged());
    expect(restored.ingest(bruteForce.route, T0 + 1_000, 1)).toEqual([]);
    const before = d.snapshot();
    d.ingest({ ...bruteForce.client, entity: { kind: 'client', key: '198.51.100.9' }, evidence: evidence([['GET /other', 5]], []) }, T0, 0);
    d.rollback(before);
    expect(d.ingest(bruteForce.route, T0 + 1_000, 1)).toEqual([]);
    expect(d.due(T0 + 60_000).map((n) => [n.kind, n.groupKey])).toEqual([['updated', 'auth-failure-surge|client|203.0.113.66']]);
  });

  it("joins by what a group's latest alert names, not what its first one did", () => {
    const d = correlated();
    d.ingest(bruteForce.client, T0, 0);
    // The client moved on to another route; an alert on the first route is news of its own.
    d.ingest({ ...bruteForce.client, evidence: evidence([['GET /export', 40]], []) }, T0 + 10_000, 0);
    const routeAlone = { ...bruteForce.route, evidence: evidence([], [['10.0.0.7', 2], ['10.0.0.9', 2]]) };
    expect(d.ingest(routeAlone, T0 + 11_000, 1).map((n) => n.kind)).toEqual(['firing']);
  });

  it('opens a new incident once one is full, and the next ones join that', () => {
    const d = correlated();
    const client = (i: number) =>
      anomalyFixture({ id: `c${i}`, detector: 'auth-failure-surge', entity: { kind: 'client', key: `198.51.100.${i}` }, severity: 'critical', window, evidence: evidence([['POST /login', 40]], []) });
    const firings = Array.from({ length: 2 * (RELATED_MAX + 1) + 1 }, (_, i) => d.ingest(client(i), T0, 0)).flat();
    expect(firings.filter((n) => n.kind === 'firing').map((n) => n.groupKey)).toEqual([
      'auth-failure-surge|client|198.51.100.0',
      `auth-failure-surge|client|198.51.100.${RELATED_MAX + 1}`,
      `auth-failure-surge|client|198.51.100.${2 * (RELATED_MAX + 1)}`,
    ]);
  });
});
