import type { Anomaly, ApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './config';
import { DetectionEngine, type EngineState } from './engine';

const BUCKET = 10_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function request(time: number, client: string): ApiAccessEvent {
  return {
    v: 1,
    time,
    gateway: 'nginx',
    service: 'reports',
    client: { ip: client === 'cron' ? '10.0.0.99' : '10.0.0.9', key: client, id: client },
    request: { method: 'POST', path: '/reports/rebuild', route: '/reports/rebuild', id: `r${time}` },
    response: { status: 200, bytes: 500, latencyMs: 20 },
  };
}

interface Burst {
  /** Minute of the hour the burst starts at. */
  minute: number;
  requests: number;
  /** Minutes it lasts, its requests spread evenly (default 1). */
  minutes?: number;
}

/**
 * `hours` of POST /reports/rebuild: 5 requests a minute from users, plus the hour's burst (if any)
 * from the cron client spread over one minute.
 */
function run(config: DetectionConfig, hours: number, burstsOf: (hour: number) => Burst[], engine = new DetectionEngine(config), fromHour = 0): Anomaly[] {
  const out: Anomaly[] = [];
  for (let hour = fromHour; hour < hours; hour++) {
    const start = T0 + hour * HOUR;
    const events: ApiAccessEvent[] = [];
    for (let t = 0; t < HOUR; t += 12_000) events.push(request(start + t, `user${(t / 12_000) % 7}`));
    for (const b of burstsOf(hour)) {
      const span = (b.minutes ?? 1) * 60_000;
      for (let i = 0; i < b.requests; i++) events.push(request(start + b.minute * 60_000 + Math.floor((i * span) / b.requests), 'cron'));
    }
    events.sort((x, y) => x.time - y.time);
    let next = 0;
    for (let bucket = start; bucket < start + HOUR; bucket += BUCKET) {
      while (next < events.length && (events[next] as ApiAccessEvent).time < bucket + BUCKET) engine.observe(events[next++] as ApiAccessEvent);
      out.push(...engine.advanceTo(bucket + BUCKET));
    }
  }
  return out;
}

const firingRoute = (anomalies: Anomaly[], fromHour: number) =>
  anomalies.filter((a) => a.state === 'firing' && a.entity.kind === 'route' && a.window.start >= T0 + fromHour * HOUR);

const paging = (anomalies: Anomaly[]) => anomalies.filter((a) => a.severity !== 'info');

const hourly = (): Burst[] => [{ minute: 0, requests: 400 }];
const pagingHours = (anomalies: Anomaly[]) => [...new Set(paging(firingRoute(anomalies, 0)).map((a) => Math.floor((a.window.start - T0) / HOUR)))];

describe('a traffic spike that recurs at the same minute of every hour', () => {
  it('pages for the first runs only, then reports each run at info, saying it recurs', () => {
    const anomalies = run(DEFAULT_DETECTION_CONFIG, 72, hourly);
    // Hour 0's run falls in the route's warm-up and hour 1's fires at info (its baseline learned
    // hour 0's unclamped); hours 1-3 teach the pattern.
    expect(firingRoute(anomalies, 0).slice(0, 3).map((a) => [Math.floor((a.window.start - T0) / HOUR), a.severity])).toEqual([[1, 'info'], [2, 'critical'], [3, 'critical']]);
    expect(pagingHours(anomalies)).toEqual([2, 3]);
    const fromDay2 = firingRoute(anomalies, 24);
    expect(fromDay2).toHaveLength(48);
    expect(fromDay2.every((a) => a.detector === 'traffic-spike' && a.severity === 'info')).toBe(true);
    expect(fromDay2[0]?.summary).toContain('recurs every hour at :00 (the last');
    expect(anomalies.filter((a) => a.detector === 'slow-ramp')).toEqual([]);
  });

  it('pages every run, as before, with VIGIL_RECURRING_BURST_HOURS=0', () => {
    const anomalies = run({ ...DEFAULT_DETECTION_CONFIG, recurringBurstHours: 0 }, 30, hourly);
    expect(pagingHours(anomalies)).toEqual(Array.from({ length: 28 }, (_, i) => i + 2));
  });

  it('pages a run far larger than usual, and learns the new size afresh', () => {
    const anomalies = run(DEFAULT_DETECTION_CONFIG, 40, (hour) => [{ minute: 0, requests: hour >= 30 ? 2000 : 400 }]);
    expect(pagingHours(anomalies)).toEqual([2, 3, 30, 31, 32]);
  });

  it('pages a run at the usual minute and rate that goes on far longer than usual', () => {
    const anomalies = run(DEFAULT_DETECTION_CONFIG, 40, (hour) => [hour === 30 ? { minute: 0, requests: 8000, minutes: 20 } : { minute: 0, requests: 400 }]);
    const at30 = firingRoute(anomalies, 30).filter((a) => a.window.start < T0 + 31 * HOUR);
    expect(at30[0]?.severity).toBe('info');
    const raised = anomalies.find((a) => a.state === 'updated' && a.id === at30[0]?.id && a.severity !== 'info');
    expect(raised?.window.start).toBeLessThan(T0 + 30 * HOUR + 5 * 60_000);
  });

  it('pages a burst at another minute of the hour, and keeps the learned pattern', () => {
    const anomalies = run(DEFAULT_DETECTION_CONFIG, 40, (hour) => (hour === 30 ? [{ minute: 0, requests: 400 }, { minute: 30, requests: 400 }] : hourly()));
    const at30 = paging(firingRoute(anomalies, 30)).map((a) => new Date(a.window.start).toISOString().slice(11, 16));
    expect(at30).toEqual(['06:30']);
  });

  it('pages an attack that starts at minute 0 on a route without a recurring burst', () => {
    const anomalies = run(DEFAULT_DETECTION_CONFIG, 40, (hour) => (hour === 30 ? [{ minute: 0, requests: 400 }] : []));
    expect(pagingHours(anomalies)).toEqual([30]);
  });

  it('keeps what it learned through a checkpoint, and restores a checkpoint written without it', () => {
    const engine = new DetectionEngine(DEFAULT_DETECTION_CONFIG);
    run(DEFAULT_DETECTION_CONFIG, 10, hourly, engine);
    const state = JSON.parse(JSON.stringify(engine.snapshot())) as EngineState;
    expect(state.recurrences).toHaveLength(1);
    expect(pagingHours(run(DEFAULT_DETECTION_CONFIG, 14, hourly, new DetectionEngine(DEFAULT_DETECTION_CONFIG, state), 10))).toEqual([]);
    delete state.recurrences;
    expect(pagingHours(run(DEFAULT_DETECTION_CONFIG, 14, hourly, new DetectionEngine(DEFAULT_DETECTION_CONFIG, state), 10))).toEqual([10, 11, 12]);
  });

  it('keeps records only for entities that spiked, and at most 4096 of them (down to 3072 once past it)', () => {
    const engine = new DetectionEngine(DEFAULT_DETECTION_CONFIG);
    const clients = Array.from({ length: 4200 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
    const from = (ip: string, time: number): ApiAccessEvent => ({ ...request(time, ip), client: { ip, key: ip } });
    for (const ip of clients) engine.observe(from(ip, T0));
    engine.observe(from('10.2.0.1', T0));
    engine.advanceTo(T0 + 31 * BUCKET);
    expect(engine.snapshot().recurrences).toEqual([]);
    for (const ip of clients) for (let i = 0; i < 40; i++) engine.observe(from(ip, T0 + 31 * BUCKET + i));
    engine.observe(from('10.2.0.1', T0 + 31 * BUCKET));
    engine.advanceTo(T0 + 32 * BUCKET);
    const ids = (engine.snapshot().recurrences ?? []).map(([id]) => id);
    expect(ids.length).toBeGreaterThanOrEqual(3072);
    expect(ids.length).toBeLessThanOrEqual(4096);
    expect(ids.some((id) => id.endsWith('10.2.0.1'))).toBe(false);
  });
});
