import { describe, expect, it } from 'vitest';
import { anomalyFixture } from '../anomaly-fixture';
import type { DeliveryRecord, GroupStateRecord, NotificationLogRecord } from '../notification-log/log-records';
import { NotificationLog } from '../notification-log/notification-log';
import { Dispatcher, type AlertGroupState } from './dispatcher';
import { groupKeyFunction } from './group-key';
import { GroupOwnership } from './group-ownership';

const T0 = 5_000_000;
const REPEAT_MS = 3_600_000;

/** What a previous owner saved for one group on `partition`. */
function savedGroup(key: string, partition: number): GroupStateRecord {
  const previousOwner = new Dispatcher({ groupWaitMs: 0, groupIntervalMs: 0, repeatIntervalMs: REPEAT_MS }, groupKeyFunction(['entityKey']));
  previousOwner.ingest(anomalyFixture({ id: `an-${key}`, entity: { kind: 'client', key } }), T0, partition);
  const [state] = previousOwner.takeChanged() as [AlertGroupState];
  return { v: 1, type: 'group', at: T0, state };
}

function delivered(key: string): DeliveryRecord {
  return { v: 1, type: 'delivery', at: T0, channel: 'slack', idempotencyKey: key, kind: 'firing', groupKey: 'g', alertId: 'a', severity: 'warning', outcome: 'delivered', attempts: 1, latencyMs: 1 };
}

function setup(records: NotificationLogRecord[]) {
  const dispatcher = new Dispatcher({ groupWaitMs: 0, groupIntervalMs: 0, repeatIntervalMs: REPEAT_MS }, groupKeyFunction(['entityKey']));
  const log = new NotificationLog();
  const reads = { count: 0, failNext: false };
  const ownership = new GroupOwnership({
    dispatcher,
    log,
    readLog: async () => {
      reads.count++;
      if (reads.failNext) {
        reads.failNext = false;
        throw new Error('Kafka unavailable');
      }
      return records;
    },
  });
  const repeating = () => dispatcher.due(T0 + REPEAT_MS).map((n) => n.anomaly.entity.key).sort();
  return { dispatcher, log, reads, ownership, repeating };
}

describe('GroupOwnership', () => {
  it('restores only the groups of the partitions it is assigned, and every delivery into the log', async () => {
    const { log, ownership, repeating } = setup([savedGroup('a', 0), savedGroup('b', 1), savedGroup('c', 2), delivered('k-of-partition-1')]);
    ownership.assign([0, 2]);
    await ownership.restorePending();
    expect(repeating()).toEqual(['a', 'c']);
    expect(log.has('slack', 'k-of-partition-1')).toBe(true);
  });

  it('drops the groups of a revoked partition and restores a gained one from what its owner saved', async () => {
    const { ownership, reads, repeating } = setup([savedGroup('a', 0), savedGroup('b', 1)]);
    ownership.assign([0]);
    await ownership.restorePending();
    ownership.revoke([0]);
    ownership.assign([1]);
    await ownership.restorePending();
    expect(repeating()).toEqual(['b']);
    expect(reads.count).toBe(2);
  });

  it('reads nothing when a rebalance brings no new partition, keeping the groups it holds', async () => {
    const { ownership, reads, dispatcher } = setup([savedGroup('a', 0), savedGroup('b', 1)]);
    ownership.assign([0, 1]);
    await ownership.restorePending();
    ownership.revoke([1]);
    ownership.assign([0]);
    await ownership.restorePending();
    expect(reads.count).toBe(1);
    expect(dispatcher.activeGroups()).toBe(1);
  });

  it('tries a failed restore again next time instead of skipping it', async () => {
    const { ownership, reads, repeating } = setup([savedGroup('a', 0)]);
    reads.failNext = true;
    ownership.assign([0]);
    await expect(ownership.restorePending()).rejects.toThrow('Kafka unavailable');
    await ownership.restorePending();
    expect(repeating()).toEqual(['a']);
    expect(ownership.ownedPartitions()).toEqual([0]);
  });
});
