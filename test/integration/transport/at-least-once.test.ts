import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingRecord, KafkaTransport } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { committedOffset, kafkaTransportFor } from './kafka-fixture';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./holding-consumer.ts', import.meta.url));

function spawnHoldingConsumer(env: Record<string, string>) {
  // node --import tsx, not the node_modules/.bin/tsx wrapper: the wrapper runs the script in a
  // grandchild, so the SIGKILL would kill the wrapper and leave the consumer running.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('consumer group delivery on the real broker', () => {
  let transport: KafkaTransport | undefined;
  let holder: ReturnType<typeof spawnHoldingConsumer> | undefined;
  afterEach(async () => {
    holder?.child.kill('SIGKILL');
    await transport?.close();
  });

  it('real broker: events a SIGKILLed consumer held uncommitted are delivered again to its successor (at-least-once)', async () => {
    const brokers = kafkaBrokers();
    const prefix = uniqueName('at-least-once');
    const groupId = uniqueName('at-least-once-group');
    transport = kafkaTransportFor({ brokers, prefix, partitions: 1 });
    await transport.ensureTopics();
    const topic = transport.topic('events');
    const producer = await transport.producer();

    holder = spawnHoldingConsumer({ KAFKA_BROKERS: brokers.join(','), TEST_PREFIX: prefix, TEST_GROUP: groupId });
    await waitFor(() => holder!.stdout().includes('STARTED'), { timeoutMs: 30000, message: `the child consumer to join (stderr: ${holder.stderr()})` });
    expect(holder.stdout()).toContain(`STARTED ${holder.child.pid}`);

    // First 500: processed and committed by the child.
    await producer.send(topic, Array.from({ length: 500 }, (_, i) => ({ key: 'client-1', value: `event-${i}` })));
    await waitFor(async () => (await committedOffset(brokers, groupId, topic)) === '500', { timeoutMs: 30000, message: 'the child to commit offset 500' });

    // Next 500 end with "hold": the child takes the batch, never finishes it, and is killed.
    await producer.send(topic, Array.from({ length: 500 }, (_, i) => ({ key: 'client-1', value: i === 499 ? 'hold' : `event-${500 + i}` })));
    await waitFor(() => /HOLDING 500-/.test(holder!.stdout()), { timeoutMs: 30000, message: 'the child to hold the second batch' });
    holder.child.kill('SIGKILL');
    expect(await holder.exited).toBe('SIGKILL');
    expect(await committedOffset(brokers, groupId, topic)).toBe('500');

    const redelivered: IncomingRecord[] = [];
    const successor = transport.consumer({ groupId, topics: [topic], eachBatch: async (batch) => void redelivered.push(...batch.records) });
    await successor.start();
    await waitFor(() => redelivered.length >= 500, { timeoutMs: 45000, message: 'the successor to receive the held events' });

    console.log(`[kafka] child held offsets ${holder.stdout().match(/HOLDING (\S+)/)?.[1]} when SIGKILLed; successor received ${redelivered.length} records from offset ${redelivered[0]?.offset} on the real broker`);
    expect(redelivered.map((r) => r.offset)).toEqual(Array.from({ length: 500 }, (_, i) => String(500 + i)));
    expect(redelivered.at(-1)?.value.toString()).toBe('hold');
    await successor.stop();
    expect(await committedOffset(brokers, groupId, topic)).toBe('1000');
  });
});

describe('consumer stop on the real broker', () => {
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close();
  });

  it('real broker: stop() lets the in-flight batch finish and commits it before leaving the group', async () => {
    const brokers = kafkaBrokers();
    const groupId = uniqueName('graceful-group');
    transport = kafkaTransportFor({ brokers, prefix: uniqueName('graceful'), partitions: 1 });
    await transport.ensureTopics();
    const topic = transport.topic('events');
    await (await transport.producer()).send(topic, Array.from({ length: 100 }, (_, i) => ({ key: 'k', value: String(i) })));

    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let inBatch = false;
    let finished = 0;
    const consumer = transport.consumer({
      groupId,
      topics: [topic],
      eachBatch: async (batch) => {
        inBatch = true;
        await released;
        finished += batch.records.length;
      },
    });
    await consumer.start();
    await waitFor(() => inBatch, { message: 'a batch to be in flight' });

    const stopping = consumer.stop();
    release();
    await stopping;
    expect(finished).toBe(100);
    expect(await committedOffset(brokers, groupId, topic)).toBe('100');
  });
});
