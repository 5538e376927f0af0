import { describe, expect, it } from 'vitest';
import type { Notification } from '@vigil/notifiers';
import { anomalyFixture } from '../anomaly-fixture';
import { StormControl } from './storm-control-stage';

function notifications(count: number, from = 0): Notification[] {
  return Array.from({ length: count }, (_, i) => ({
    idempotencyKey: `k${from + i}`,
    kind: 'firing' as const,
    groupKey: `g${from + i}`,
    anomaly: anomalyFixture({ id: `a${from + i}` }),
    groupSize: 1,
  }));
}

describe('StormControl', () => {
  it('lets notifications through up to the limit', () => {
    const admitted = new StormControl(3).admit('slack', notifications(3), 0);
    expect(admitted.map((a) => a.notification.kind)).toEqual(['firing', 'firing', 'firing']);
  });

  it('folds the overflow of a flood into one summary', () => {
    const admitted = new StormControl(2).admit('slack', notifications(40), 0);
    expect(admitted).toHaveLength(3);
    const summary = admitted[2];
    expect(summary?.notification).toMatchObject({ kind: 'summary', groupSize: 38 });
    expect(summary?.notification.suppressed?.map((a) => a.id)).toEqual(notifications(38, 2).map((n) => n.anomaly.id));
    expect(summary?.folded).toHaveLength(38);
  });

  it('counts each channel on its own', () => {
    const storm = new StormControl(1);
    storm.admit('slack', notifications(1), 0);
    expect(storm.admit('email', notifications(1), 0)[0]?.notification.kind).toBe('firing');
  });

  it('makes room again once a minute has passed', () => {
    const storm = new StormControl(1);
    storm.admit('slack', notifications(1), 0);
    expect(storm.admit('slack', notifications(1, 1), 59_999)[0]?.notification.kind).toBe('summary');
    expect(storm.admit('slack', notifications(1, 2), 120_000)[0]?.notification.kind).toBe('firing');
  });

  it('gives a summary of the same notifications the same idempotency key', () => {
    const a = new StormControl(1).admit('slack', notifications(5), 0)[1]?.notification.idempotencyKey;
    const b = new StormControl(1).admit('slack', notifications(5), 9)[1]?.notification.idempotencyKey;
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });
});
