// Log lines from standard input (pipes and backfills): framed like a file, paused while the
// publish buffer is full, finished when the stream ends.

import type { Readable } from 'node:stream';
import { LineSplitter, type Frame } from '../../framing/line-splitter';
import { itemFromFrame, type IngestItem } from '../../transforms/ingest-item';

export interface StdinSourceOptions {
  stream: Readable;
  maxLineBytes: number;
  ingest(items: IngestItem[]): void;
  hasRoom(): boolean;
  waitForRoom(): Promise<void>;
}

/** Reads until the stream ends; resolves then (every line handed over). */
export function readStdin(options: StdinSourceOptions): { done: Promise<void>; stop(): void } {
  const { stream } = options;
  const splitter = new LineSplitter(options.maxLineBytes);
  const handOver = (frames: Frame[]) => {
    const items = frames.map(itemFromFrame).filter((item): item is IngestItem => item !== undefined);
    if (items.length > 0) options.ingest(items);
  };
  const onData = (chunk: Buffer) => {
    handOver(splitter.push(chunk));
    if (!options.hasRoom()) {
      stream.pause();
      void options.waitForRoom().then(() => stream.resume());
    }
  };
  const done = new Promise<void>((resolve) => {
    stream.on('data', onData);
    stream.once('end', () => {
      handOver(splitter.end());
      resolve();
    });
    stream.once('error', () => resolve());
  });
  return {
    done,
    stop: () => {
      stream.off('data', onData);
      stream.pause();
    },
  };
}
