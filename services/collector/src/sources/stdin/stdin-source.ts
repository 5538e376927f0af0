// Log lines from standard input (pipes and backfills): framed like a file, paused while the
// publish buffer is full, finished when the stream ends.

import type { Readable } from 'node:stream';
import { LineSplitter, type Frame } from '../../framing/line-splitter';
import { HeldReads, type BufferRoom } from '../../sinks/held-reads';
import { itemFromFrame, type IngestItem } from '../../transforms/ingest-item';

export interface StdinSourceOptions {
  stream: Readable;
  maxLineBytes: number;
  /** Called only while the buffer has room (or once it closed), so an offer made at once is taken. */
  ingest(items: IngestItem[]): void;
  buffer: BufferRoom;
}

/** Reads until the stream ends; resolves then (every line handed over). */
export function readStdin(options: StdinSourceOptions): { done: Promise<void>; stop(): void } {
  const { stream } = options;
  const splitter = new LineSplitter(options.maxLineBytes);
  const handOver = (frames: Frame[]) => {
    const items = frames.map(itemFromFrame).filter((item): item is IngestItem => item !== undefined);
    if (items.length > 0) options.ingest(items);
  };
  let ended: () => void = () => undefined;
  // Chunks (and the end) wait for room in order: what arrives while another input filled the buffer is held, not lost.
  const reads = new HeldReads<Buffer | 'end'>(stream, options.buffer, (read) => {
    if (read !== 'end') return handOver(splitter.push(read));
    handOver(splitter.end());
    ended();
  });
  const onData = (chunk: Buffer) => reads.take(chunk);
  const done = new Promise<void>((resolve) => {
    ended = resolve;
    stream.on('data', onData);
    stream.once('end', () => reads.take('end'));
    stream.once('error', () => resolve());
  });
  return {
    done,
    stop: () => {
      stream.off('data', onData);
      reads.stop();
    },
  };
}
