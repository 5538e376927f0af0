// The silences.v1 life cycle on the in-process transport (the same on Kafka:
// test/integration/alerter/silences.test.ts): a deleted or expired silence leaves a tombstone, so
// compaction removes it and the next start reads nothing of it.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@vigil/telemetry';
import { InProcessTransport } from '@vigil/transport';
import type { Silence } from './silence';
import { SilenceStore } from './silence-store';
import { startSilenceSync, type SilenceSync } from './silence-sync';

const NOW = Date.UTC(2026, 10, 29, 12);
const logger = createLogger({ name: 'silence-sync-test', level: 'silent' });

let running: SilenceSync[] = [];
afterEach(async () => {
  await Promise.all(running.map((sync) => sync.stop()));
  running = [];
});

function silence(id: string, endsAt: number): Silence {
  return { v: 1, id, matchers: { detector: 'traffic-spike' }, startsAt: NOW - 1000, endsAt, createdBy: 'test', comment: '' };
}

async function start(transport: InProcessTransport, now: () => number, ownsExpiry = true) {
  const store = new SilenceStore();
  const sync = await startSilenceSync({ transport, producer: await transport.producer(), store, groupPrefix: 'g', clock: now, logger, ownsExpiry: () => ownsExpiry });
  running.push(sync);
  return { store, sync };
}

async function records(transport: InProcessTransport) {
  return (await transport.readAll(transport.topic('silences'))).map((r) => [r.key, r.tombstone === true ? 'tombstone' : 'silence']);
}

describe('silence sync', () => {
  it('deletes a silence with a tombstone, so a later start knows nothing of it', async () => {
    const transport = new InProcessTransport({ partitions: 1 });
    const { store, sync } = await start(transport, () => NOW);
    await sync.save(silence('s-1', NOW + 60_000));
    await sync.remove('s-1');

    expect(store.get('s-1')).toBeUndefined();
    expect(await records(transport)).toEqual([
      ['s-1', 'silence'],
      ['s-1', 'tombstone'],
    ]);
    const restarted = await start(transport, () => NOW);
    expect(restarted.store.size).toBe(0);
  });

  it('applies a tombstone another instance wrote', async () => {
    const transport = new InProcessTransport({ partitions: 1 });
    const writer = await start(transport, () => NOW);
    const reader = await start(transport, () => NOW, false);
    await writer.sync.save(silence('s-1', NOW + 60_000));
    await expect.poll(() => reader.store.get('s-1')).toBeDefined();
    await writer.sync.remove('s-1');
    await expect.poll(() => reader.store.get('s-1')).toBeUndefined();
  });

  it('tombstones an expired silence from the instance that owns expiry only, once', async () => {
    const transport = new InProcessTransport({ partitions: 1 });
    let now = NOW;
    const owner = await start(transport, () => now);
    const other = await start(transport, () => now, false);
    await owner.sync.save(silence('short', NOW + 1000));
    await owner.sync.save(silence('long', NOW + 60_000));
    await expect.poll(() => other.store.get('short')).toBeDefined();

    now = NOW + 1000;
    await other.sync.tombstoneExpired(now);
    expect(await records(transport)).toEqual([
      ['short', 'silence'],
      ['long', 'silence'],
    ]);
    await owner.sync.tombstoneExpired(now);
    await owner.sync.tombstoneExpired(now + 1);
    expect(await records(transport)).toEqual([
      ['short', 'silence'],
      ['long', 'silence'],
      ['short', 'tombstone'],
    ]);
    expect(owner.store.active(now).map((s) => s.id)).toEqual(['long']);
  });

  it('tombstones silences that expired while no alerter ran, found when it starts', async () => {
    const transport = new InProcessTransport({ partitions: 1 });
    const producer = await transport.producer();
    await producer.send(transport.topic('silences'), [{ key: 'old', value: JSON.stringify(silence('old', NOW - 1)) }]);
    const { sync } = await start(transport, () => NOW);
    await sync.tombstoneExpired(NOW);
    expect(await records(transport)).toEqual([
      ['old', 'silence'],
      ['old', 'tombstone'],
    ]);
  });
});
