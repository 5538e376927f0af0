import { describe, expect, it } from 'vitest';
import { anomalyFixture } from '../anomaly-fixture';
import type { AlertGroupState } from '../dispatch/dispatcher';
import type { DeliveryRecord, GroupStateRecord } from './log-records';
import { decodeLogRecord } from './log-records';
import { NotificationLog, restoreFromRecords } from './notification-log';

function delivery(outcome: DeliveryRecord['outcome'], key = 'k1', channel = 'slack'): DeliveryRecord {
  return { v: 1, type: 'delivery', at: 100, channel, idempotencyKey: key, kind: 'firing', groupKey: 'g', alertId: 'a', severity: 'warning', outcome, attempts: 1, latencyMs: 3 };
}

function group(groupKey: string, closed: boolean, seq = 1): GroupStateRecord {
  const state: AlertGroupState = { groupKey, partition: 0, incidentId: 'a', openedAtWindow: 0, latest: anomalyFixture(), size: 1, seq, lastSentAt: 0, notifiedSeverity: 'warning', peakSeverity: 'warning', closed };
  return { v: 1, type: 'group', at: 100, state };
}

describe('NotificationLog', () => {
  it('remembers deliveries per channel', () => {
    const log = new NotificationLog();
    log.markDelivered('slack', 'k1', 10);
    expect(log.has('slack', 'k1')).toBe(true);
    expect(log.has('email', 'k1')).toBe(false);
  });

  it('forgets deliveries older than the cutoff', () => {
    const log = new NotificationLog();
    log.markDelivered('slack', 'old', 10);
    log.markDelivered('slack', 'new', 50);
    log.prune(20);
    expect([log.has('slack', 'old'), log.has('slack', 'new')]).toEqual([false, true]);
  });

  it('forgets the oldest deliveries beyond its size cap, however recent, so an alert storm stays bounded', () => {
    const log = new NotificationLog(1000);
    for (let n = 0; n < 50_000; n++) log.markDelivered('slack', `storm-${n}`, 1000 + n);
    expect(log.size()).toBe(1000);
    expect([log.has('slack', 'storm-48999'), log.has('slack', 'storm-49999'), log.has('slack', 'storm-49000')]).toEqual([false, true, true]);
  });
});

describe('restoreFromRecords', () => {
  it('counts delivered and folded notifications as sent, not failed or silenced ones', () => {
    const { log } = restoreFromRecords([delivery('delivered', 'a'), delivery('folded', 'b'), delivery('failed', 'c'), delivery('silenced', 'd')]);
    expect(['a', 'b', 'c', 'd'].map((k) => log.has('slack', k))).toEqual([true, true, false, false]);
  });

  it('adds to a log that already holds deliveries', () => {
    const log = new NotificationLog();
    log.markDelivered('email', 'earlier', 50);
    restoreFromRecords([delivery('delivered', 'a')], log);
    expect([log.has('email', 'earlier'), log.has('slack', 'a')]).toEqual([true, true]);
  });

  it('keeps the latest state of each open group and drops closed ones', () => {
    const { groups } = restoreFromRecords([group('g1', false, 1), group('g1', false, 2), group('g2', false), group('g2', true)]);
    expect(groups.map((g) => [g.groupKey, g.seq])).toEqual([['g1', 2]]);
  });
});

describe('decodeLogRecord', () => {
  it('decodes a group state with its partition and ignores one without (no owner could restore it)', () => {
    expect(decodeLogRecord(Buffer.from(JSON.stringify(group('g1', false))))).toEqual(group('g1', false));
    const { partition: _, ...withoutPartition } = group('g1', false).state;
    expect(decodeLogRecord(Buffer.from(JSON.stringify({ v: 1, type: 'group', at: 100, state: withoutPartition })))).toBeUndefined();
  });


  it('decodes its own records and ignores foreign ones', () => {
    expect(decodeLogRecord(Buffer.from(JSON.stringify(delivery('delivered'))))).toEqual(delivery('delivered'));
    expect(decodeLogRecord(Buffer.from('{"v":2,"type":"delivery"}'))).toBeUndefined();
    expect(decodeLogRecord(Buffer.from('not json'))).toBeUndefined();
  });
});
