import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { PublishBuffer, type PublishEntry } from '../../sinks/publish-buffer';
import { itemSample } from '../../transforms/ingest-item';
import { eventCarrying as carrying } from '../../sinks/event-carrying.test-helper';
import { readStdin } from './stdin-source';

/** A buffer whose Kafka sends wait until `release()`, recording the lines they carried. */
function heldBuffer(maxItems: number) {
  let release = () => {};
  const kafkaBack = new Promise<void>((resolve) => (release = resolve));
  const published: string[] = [];
  const buffer = new PublishBuffer({
    maxItems,
    maxItemsPerSend: 100,
    publish: async (entries: readonly PublishEntry[]) => {
      await kafkaBack;
      published.push(...entries.flatMap((e) => e.events.map((event) => event.request.path)));
    },
  });
  return { buffer, published, release };
}

describe('readStdin', () => {
  it('holds a chunk that arrives while another input filled the buffer and hands it over once there is room', async () => {
    const { buffer, published, release } = heldBuffer(10);
    const stream = new PassThrough();
    const refused: string[] = [];
    const reader = readStdin({
      stream,
      maxLineBytes: 1000,
      buffer,
      ingest: (items) => {
        const lines = items.map(itemSample);
        buffer.offer({ events: lines.map(carrying), rejections: [] }).catch(() => refused.push(...lines));
      },
    });
    void buffer.offer({ events: Array.from({ length: 10 }, () => carrying('other')), rejections: [] });
    stream.write('one\ntwo\n');
    await vi.waitFor(() => expect(stream.isPaused()).toBe(true));
    stream.end('three');
    release();
    await reader.done;
    await buffer.drain(1000);
    expect(refused).toEqual([]);
    expect(published.filter((line) => line !== 'other')).toEqual(['one', 'two', 'three']);
  });

  it('hands nothing over after stop, even once room returns', async () => {
    const { buffer, published, release } = heldBuffer(10);
    const stream = new PassThrough();
    const handed: string[] = [];
    const reader = readStdin({
      stream,
      maxLineBytes: 1000,
      buffer,
      ingest: (items) => handed.push(...items.map(itemSample)),
    });
    void buffer.offer({ events: Array.from({ length: 10 }, () => carrying('other')), rejections: [] });
    stream.write('late\n');
    await vi.waitFor(() => expect(stream.isPaused()).toBe(true));
    reader.stop();
    release();
    await buffer.drain(1000);
    expect(published).toHaveLength(10);
    expect(handed).toEqual([]);
  });
});
