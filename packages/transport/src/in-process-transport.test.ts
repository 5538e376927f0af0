import { describe, expect, it, vi } from 'vitest';
import { InProcessTransport } from './in-process-transport';
import type { IncomingRecord, PartitionAssignment, RecordBatch } from './transport';

/** Resolves once `count` records arrived (or the predicate holds), without polling. */
function recorder() {
  const records: IncomingRecord[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  return {
    records,
    add(batch: RecordBatch) {
      records.push(...batch.records);
      if (waiter !== undefined && records.length >= waiter.count) waiter.resolve();
    },
    until(count: number): Promise<void> {
      if (records.length >= count) return Promise.resolve();
      return new Promise((resolve) => (waiter = { count, resolve }));
    },
  };
}

function keyedRecords(keys: number, perKey: number) {
  const out = [];
  for (let seq = 0; seq < perKey; seq++) {
    for (let k = 0; k < keys; k++) out.push({ key: `client-${k}`, value: JSON.stringify({ k, seq }) });
  }
  return out;
}

describe('InProcessTransport', () => {
  it('delivers every record to a two-member group with per-key order kept', async () => {
    const transport = new InProcessTransport({ partitions: 4, maxBatchRecords: 7 });
    const seen = recorder();
    const members = [0, 1].map(() =>
      transport.consumer({ groupId: 'g', topics: ['t'], eachBatch: async (batch) => seen.add(batch) }),
    );
    await Promise.all(members.map((member) => member.start()));
    const producer = await transport.producer();
    await producer.send('t', keyedRecords(20, 50));

    await seen.until(1000);
    const lastSeq = new Map<number, number>();
    for (const record of seen.records) {
      const { k, seq } = JSON.parse(record.value.toString()) as { k: number; seq: number };
      expect(seq).toBe((lastSeq.get(k) ?? -1) + 1);
      lastSeq.set(k, seq);
    }
    expect(seen.records).toHaveLength(1000);
    await transport.close();
  });

  it('lets the event loop serve other work between batches while a backlog is delivered', async () => {
    const transport = new InProcessTransport({ partitions: 1, maxBatchRecords: 1 });
    await (await transport.producer()).send('t', keyedRecords(1, 50));
    const seen = recorder();
    await transport.consumer({ groupId: 'g', topics: ['t'], eachBatch: async (b) => seen.add(b) }).start();
    const seenWhenIoRan = await new Promise<number>((resolve) => setImmediate(() => resolve(seen.records.length)));
    expect(seenWhenIoRan).toBeLessThan(50);
    await seen.until(50);
    await transport.close();
  });

  it('puts a key on the partition partitionFor names', async () => {
    const transport = new InProcessTransport({ partitions: 6 });
    const producer = await transport.producer();
    await producer.send('t', [{ key: 'alice', value: 'a' }, { key: 'bob', value: 'b' }]);
    const records = await transport.readAll('t');
    for (const record of records) expect(record.partition).toBe(transport.partitionFor(record.key!, 6));
  });

  it('delivers a batch again when its handler throws, and commits only after success', async () => {
    const transport = new InProcessTransport({ partitions: 1, retryDelayMs: 1 });
    const attempts: string[][] = [];
    const delivered = recorder();
    let failuresLeft = 2;
    const consumer = transport.consumer({
      groupId: 'g',
      topics: ['t'],
      eachBatch: async (batch) => {
        attempts.push(batch.records.map((r) => r.offset));
        if (failuresLeft-- > 0) throw new Error('downstream unavailable');
        delivered.add(batch);
      },
    });
    await consumer.start();
    await (await transport.producer()).send('t', [{ key: 'a', value: '1' }, { key: 'a', value: '2' }]);

    await delivered.until(2);
    expect(attempts).toEqual([['0', '1'], ['0', '1'], ['0', '1']]);
    await transport.close();
  });

  it('resumes a group from its committed offsets after all members stopped', async () => {
    const transport = new InProcessTransport({ partitions: 2 });
    const producer = await transport.producer();
    await producer.send('t', keyedRecords(4, 5));
    const first = recorder();
    const consumer = transport.consumer({ groupId: 'g', topics: ['t'], eachBatch: async (b) => first.add(b) });
    await consumer.start();
    await first.until(20);
    await consumer.stop();

    await producer.send('t', [{ key: 'late', value: 'new' }]);
    const second = recorder();
    await transport.consumer({ groupId: 'g', topics: ['t'], eachBatch: async (b) => second.add(b) }).start();
    await second.until(1);
    expect(second.records.map((r) => r.value.toString())).toEqual(['new']);
    await transport.close();
  });

  it('with manual commits, a group restarted after its member stopped resumes from the last committed position, not from what was delivered', async () => {
    const transport = new InProcessTransport({ partitions: 1, maxBatchRecords: 2 });
    const producer = await transport.producer();
    await producer.send('t', [1, 2, 3, 4, 5, 6].map((n) => ({ key: 'a', value: String(n) })));
    const first = recorder();
    const consumer = transport.consumer({ groupId: 'g', topics: ['t'], commit: 'manual', eachBatch: async (b) => first.add(b) });
    await consumer.start();
    await first.until(6);
    await consumer.commit([{ topic: 't', partition: 0, offset: '4' }]);
    await consumer.stop();

    const second = recorder();
    await transport.consumer({ groupId: 'g', topics: ['t'], commit: 'manual', eachBatch: async (b) => second.add(b) }).start();
    await second.until(2);
    expect(second.records.map((r) => r.value.toString())).toEqual(['5', '6']);
    await transport.close();
  });

  it('with manual commits, a throw delivers the partition again from the last commit, not just the failed batch', async () => {
    const transport = new InProcessTransport({ partitions: 1, maxBatchRecords: 2, retryDelayMs: 1 });
    const attempts: string[][] = [];
    let failed = false;
    const consumer = transport.consumer({
      groupId: 'g',
      topics: ['t'],
      commit: 'manual',
      eachBatch: async (batch) => {
        attempts.push(batch.records.map((r) => r.offset));
        if (batch.records[0]!.offset === '2') await consumer.commit([{ topic: 't', partition: 0, offset: '1' }]);
        if (batch.records[0]!.offset === '4' && !failed) {
          failed = true;
          throw new Error('downstream unavailable');
        }
      },
    });
    await consumer.start();
    await (await transport.producer()).send('t', [1, 2, 3, 4, 5, 6].map((n) => ({ key: 'a', value: String(n) })));

    await vi.waitFor(() => expect(attempts.at(-1)).toEqual(['5']));
    expect(attempts).toEqual([['0', '1'], ['2', '3'], ['4', '5'], ['1', '2'], ['3', '4'], ['5']]);
    await transport.close();
  });

  it('starts a new group at the end when fromBeginning is false', async () => {
    const transport = new InProcessTransport({ partitions: 1 });
    const producer = await transport.producer();
    await producer.send('t', [{ key: null, value: 'old' }]);
    const seen = recorder();
    await transport.consumer({ groupId: 'g', topics: ['t'], fromBeginning: false, eachBatch: async (b) => seen.add(b) }).start();
    await producer.send('t', [{ key: null, value: 'new' }]);
    await seen.until(1);
    expect(seen.records.map((r) => r.value.toString())).toEqual(['new']);
    await transport.close();
  });

  it('gives each group its own copy of the stream', async () => {
    const transport = new InProcessTransport({ partitions: 3 });
    const groups = [recorder(), recorder()];
    await Promise.all(
      groups.map((seen, i) => transport.consumer({ groupId: `g${i}`, topics: ['t'], eachBatch: async (b) => seen.add(b) }).start()),
    );
    await (await transport.producer()).send('t', keyedRecords(5, 2));
    await Promise.all(groups.map((seen) => seen.until(10)));
    expect(groups.map((seen) => seen.records.length)).toEqual([10, 10]);
    await transport.close();
  });

  it('gives every broadcast consumer every record, even under one group id', async () => {
    const transport = new InProcessTransport({ partitions: 3 });
    const readers = [recorder(), recorder()];
    const consumers = readers.map((reader) =>
      transport.consumer({ groupId: 'silences', topics: ['t'], broadcast: true, eachBatch: async (batch) => reader.add(batch) }),
    );
    await Promise.all(consumers.map((consumer) => consumer.start()));
    await (await transport.producer()).send('t', keyedRecords(6, 2));
    await Promise.all(readers.map((reader) => reader.until(12)));
    expect(readers.map((reader) => reader.records.length)).toEqual([12, 12]);
    await transport.close();
  });

  it('tells members their partitions before delivering any batch of them', async () => {
    const transport = new InProcessTransport({ partitions: 4 });
    const events: string[] = [];
    const assignments: PartitionAssignment[][] = [];
    const seen = recorder();
    const members = [0, 1].map((m) =>
      transport.consumer({
        groupId: 'g',
        topics: ['t'],
        onAssign: (assignment) => {
          events.push(`assign-${m}`);
          assignments.push([...assignment]);
        },
        eachBatch: async (batch) => {
          events.push(`batch-${m}`);
          seen.add(batch);
        },
      }),
    );
    await Promise.all(members.map((member) => member.start()));
    await (await transport.producer()).send('t', keyedRecords(8, 1));
    await seen.until(8);
    const lastAssign = events.lastIndexOf('assign-1');
    expect(events.findIndex((e) => e.startsWith('batch'))).toBeGreaterThan(lastAssign);
    const owned = assignments.slice(-2).flatMap((a) => a.flatMap((entry) => entry.partitions));
    expect(owned.sort()).toEqual([0, 1, 2, 3]);
    await transport.close();
  });

  it('tells a member which partitions it lost before any member is told its new partitions', async () => {
    const transport = new InProcessTransport({ partitions: 4 });
    const events: string[] = [];
    let secondAssigned: () => void = () => {};
    const assignedToSecond = new Promise<void>((resolve) => (secondAssigned = resolve));
    const member = (name: string) =>
      transport.consumer({
        groupId: 'g',
        topics: ['t'],
        onRevoke: (revoked) => void events.push(`${name} revoke ${revoked.flatMap((entry) => entry.partitions).join(',')}`),
        onAssign: (assignment) => {
          events.push(`${name} assign ${assignment.flatMap((entry) => entry.partitions).join(',')}`);
          if (name === 'second') secondAssigned();
        },
        eachBatch: async () => {},
      });
    await member('first').start();
    await member('second').start();
    await assignedToSecond;

    expect(events).toEqual(['first assign 0,1,2,3', 'first revoke 1,3', 'first assign 0,2', 'second assign 1,3']);
    await transport.close();
  });

  it('lets stop() finish the in-flight batch and commit it', async () => {
    const transport = new InProcessTransport({ partitions: 1 });
    let release: () => void = () => {};
    let entered: () => void = () => {};
    const inBatch = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    const consumer = transport.consumer({
      groupId: 'g',
      topics: ['t'],
      eachBatch: async () => {
        entered();
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    await consumer.start();
    await (await transport.producer()).send('t', [{ key: 'a', value: '1' }]);
    await inBatch;
    const stopping = consumer.stop();
    release();
    await stopping;
    expect(finished).toBe(true);

    const again = recorder();
    const next = transport.consumer({ groupId: 'g', topics: ['t'], eachBatch: async (b) => again.add(b) });
    await next.start();
    await (await transport.producer()).send('t', [{ key: 'a', value: '2' }]);
    await again.until(1);
    expect(again.records.map((r) => r.value.toString())).toEqual(['2']);
    await transport.close();
  });

  it('reads every record of the chosen partitions with readAll', async () => {
    const transport = new InProcessTransport({ partitions: 3 });
    await (await transport.producer()).send('t', [0, 1, 2, 0, 1].map((partition, i) => ({ key: null, value: `v${i}`, partition })));
    expect((await transport.readAll('t')).map((r) => r.value.toString())).toEqual(['v0', 'v3', 'v1', 'v4', 'v2']);
    expect((await transport.readAll('t', { partitions: [1] })).map((r) => r.value.toString())).toEqual(['v1', 'v4']);
  });

  it('reads only the records written from a time on with readAll since', async () => {
    const transport = new InProcessTransport({ partitions: 2 });
    const producer = await transport.producer();
    await producer.send('t', [0, 1].map((partition) => ({ key: null, value: `old-${partition}`, partition })));
    const written = (await transport.readAll('t')).map((r) => r.timestamp);
    const newestOld = Math.max(...written);
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(newestOld));
    await producer.send('t', [{ key: null, value: 'new-1', partition: 1 }]);
    expect((await transport.readAll('t', { since: newestOld + 1 })).map((r) => r.value.toString())).toEqual(['new-1']);
    expect((await transport.readAll('t', { since: Math.min(...written) })).map((r) => r.value.toString())).toEqual(['old-0', 'old-1', 'new-1']);
  });

  describe('retention', () => {
    const KIB = 'x'.repeat(1024);
    const records = (count: number, key: (n: number) => string | null = () => null) =>
      Array.from({ length: count }, (_, n) => ({ key: key(n), value: `${n} ${KIB}`, partition: 0 }));
    const values = async (transport: InProcessTransport, topic: string) =>
      (await transport.readAll(topic)).map((r) => r.value.toString().split(' ')[0]);

    it('forgets records every group committed beyond the retained bytes, so a long-running stream stays bounded', async () => {
      const transport = new InProcessTransport({ partitions: 1, retainedBytesPerPartition: 16 * 1024 });
      const seen = recorder();
      await transport.consumer({ groupId: 'g', topics: ['t'], eachBatch: async (b) => seen.add(b) }).start();
      const producer = await transport.producer();
      for (let round = 0; round < 10; round++) await producer.send('t', records(100));
      await seen.until(1000);
      await vi.waitFor(async () => expect((await transport.readAll('t')).length).toBeLessThan(16));
      expect(transport.retainedBytes('t', 0)).toBeLessThanOrEqual(16 * 1024);
      expect((await transport.readAll('t')).at(-1)?.value.toString().startsWith('99 ')).toBe(true);
      await transport.close();
    });

    it('keeps every record a group has not committed yet, whatever the retention', async () => {
      const transport = new InProcessTransport({ partitions: 1, retainedBytesPerPartition: 1024 });
      const seen = recorder();
      const consumer = transport.consumer({ groupId: 'g', topics: ['t'], commit: 'manual', eachBatch: async (b) => seen.add(b) });
      await consumer.start();
      await (await transport.producer()).send('t', records(50));
      await seen.until(50);
      expect(await values(transport, 't')).toHaveLength(50);
      await consumer.commit([{ topic: 't', partition: 0, offset: '40' }]);
      expect(await values(transport, 't')).toEqual(['40', '41', '42', '43', '44', '45', '46', '47', '48', '49']);
      await transport.close();
    });

    it('keeps the latest record of every key of a compacted topic, and only that once consumed', async () => {
      const transport = new InProcessTransport({ partitions: 1, retainedBytesPerPartition: 8 * 1024 });
      const topic = transport.topic('silences');
      const seen = recorder();
      await transport.consumer({ groupId: 'silences', topics: [topic], broadcast: true, eachBatch: async (b) => seen.add(b) }).start();
      await (await transport.producer()).send(topic, records(300, (n) => `key-${n % 3}`));
      await seen.until(300);
      await vi.waitFor(async () => expect(await values(transport, topic)).toEqual(['297', '298', '299']));
      await transport.close();
    });

    it('hands a tombstone to readers as one, then forgets its key altogether once every group consumed it', async () => {
      const transport = new InProcessTransport({ partitions: 1, retainedBytesPerPartition: 8 * 1024 });
      const topic = transport.topic('silences');
      const seen = recorder();
      await transport.consumer({ groupId: 'silences', topics: [topic], broadcast: true, eachBatch: async (b) => seen.add(b) }).start();
      const producer = await transport.producer();
      await producer.send(topic, [{ key: 'gone', value: `kept ${KIB}`, partition: 0 }, { key: 'gone', value: null, partition: 0 }]);
      await seen.until(2);
      expect(seen.records.map((r) => [r.key, r.tombstone ?? false, r.value.length > 0])).toEqual([
        ['gone', false, true],
        ['gone', true, false],
      ]);
      await producer.send(topic, records(30, (n) => `key-${n % 3}`));
      await seen.until(32);
      await vi.waitFor(async () => expect(await values(transport, topic)).toEqual(['27', '28', '29']));
      expect((await transport.readAll(topic)).some((r) => r.key === 'gone')).toBe(false);
      await transport.close();
    });

    it('makes a send to a bounded topic wait while a group is behind by more than the limit, and no other', async () => {
      const transport = new InProcessTransport({ partitions: 1, prefix: 'x.', boundedTopics: ['events'], maxUndeliveredBytesPerPartition: 8 * 1024 });
      const events = transport.topic('events');
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const seen = recorder();
      await transport.consumer({ groupId: 'g', topics: [events, 'other'], eachBatch: async (b) => { seen.add(b); await gate; } }).start();
      const producer = await transport.producer();
      await producer.send(events, records(1));
      await seen.until(1);
      let sent = false;
      const backlog = producer.send(events, records(20)).then(() => (sent = true));
      await producer.send('other', records(20));
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(sent).toBe(false);
      open();
      await backlog;
      expect(seen.records.length).toBeGreaterThan(1);
      await transport.close();
    });

    it('lets a send to a bounded topic through once the group behind it is stopping', async () => {
      const transport = new InProcessTransport({ partitions: 1, prefix: 'x.', boundedTopics: ['events'], maxUndeliveredBytesPerPartition: 4 * 1024 });
      const events = transport.topic('events');
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const seen = recorder();
      const consumer = transport.consumer({ groupId: 'g', topics: [events], eachBatch: async (b) => { seen.add(b); await gate; } });
      await consumer.start();
      const producer = await transport.producer();
      await producer.send(events, records(1));
      await seen.until(1);
      const backlog = producer.send(events, records(20));
      const stopping = consumer.stop();
      await backlog;
      open();
      await stopping;
      expect(seen.records).toHaveLength(1);
      await transport.close();
    });

    it('lets a stopped broadcast consumer hold nothing back', async () => {
      const transport = new InProcessTransport({ partitions: 1, retainedBytesPerPartition: 4 * 1024 });
      const broadcast = transport.consumer({ groupId: 'b', topics: ['t'], broadcast: true, commit: 'manual', eachBatch: async () => {} });
      await broadcast.start();
      await broadcast.stop();
      await (await transport.producer()).send('t', records(100));
      expect((await transport.readAll('t')).length).toBeLessThan(8);
      await transport.close();
    });
  });

  it('creates every Vigil topic under the prefix', async () => {
    const transport = new InProcessTransport({ partitions: 2, prefix: 'x.' });
    await transport.ensureTopics();
    expect(transport.topic('events')).toBe('x.events.v1');
    expect(await transport.partitionCount('x.detector-state.v1')).toBe(2);
  });
});
