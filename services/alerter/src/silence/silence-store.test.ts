import type { Anomaly } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import type { Silence } from './silence';
import { SilenceStore } from './silence-store';

const T0 = Date.UTC(2026, 10, 29, 12);
const MINUTE = 60_000;

function silence(n: number, startsAt: number, endsAt: number | null): Silence {
  return { v: 1, id: `s-${n}`, matchers: { entityKey: `client-${n}` }, startsAt, endsAt, createdBy: 'token:test', comment: '' };
}

const anomalyFor = (entityKey: string) => ({ detector: 'traffic-spike', entity: { kind: 'client', key: entityKey } }) as unknown as Anomaly;

describe('SilenceStore', () => {
  it('forgets silences once they expired, so months of one-hour silences leave only the live ones', () => {
    const store = new SilenceStore();
    for (let n = 0; n < 10_000; n++) {
      const now = T0 + n * MINUTE;
      store.put(silence(n, now, now + 60 * MINUTE), now);
    }
    expect(store.size).toBeLessThanOrEqual(61);
    const now = T0 + 10_000 * MINUTE;
    expect(store.active(now).map((s) => s.id)).toContain('s-9999');
    expect(store.active(now + 61 * MINUTE)).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('keeps a silence that has not started yet and one without an end', () => {
    const store = new SilenceStore([silence(1, T0, null)]);
    store.put(silence(2, T0 + 60 * MINUTE, T0 + 120 * MINUTE), T0);
    expect(store.mutedBy(anomalyFor('client-2'), T0 + 30 * MINUTE)).toBeUndefined();
    expect(store.size).toBe(2);
    expect(store.mutedBy(anomalyFor('client-2'), T0 + 90 * MINUTE)?.id).toBe('s-2');
    expect(store.mutedBy(anomalyFor('client-1'), T0 + 1000 * MINUTE)?.id).toBe('s-1');
    expect(store.size).toBe(1);
  });
});
