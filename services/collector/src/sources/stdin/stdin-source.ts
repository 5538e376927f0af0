// Log lines from standard input (pipes and backfills): framed like a file, paused while the
// publish buffer is full, finished when the stream ends.

import type { Readable } from 'node:stream';
import { LineSplitter, type Frame } from '../../framing/line-splitter';
import { itemFromFrame, type IngestItem } from '../../transforms/ingest-item';

export interface StdinSourceOptions {
  stream: Readable;
  maxLineBytes: number;
  /** Called only right after `hasRoom()` said yes, so an offer made at once is taken. */
  ingest(items: IngestItem[]): void;
  hasRoom(): boolean;
  waitForRoom(): Promise<void>;
}

/** Reads until the stream ends; resolves then (every line handed over). */
export function readStdin(options: StdinSourceOptions): { done: Promise<void>; stop(): void } {
  const { stream } = options;
  const splitter = new LineSplitter(options.maxLineBytes);
  let stopped = false;
  /** Chunks (and the end) waiting for room, in order; the stream stays paused meanwhile. */
  let held: Promise<void> | undefined;

  const handOver = (frames: Frame[]) => {
    const items = frames.map(itemFromFrame).filter((item): item is IngestItem => item !== undefined);
    if (items.length > 0) options.ingest(items);
  };
  /** Resolves once the buffer has room or reading stopped; other inputs woken with us may take the room first. */
  const room = async () => {
    while (!stopped && !options.hasRoom()) {
      await options.waitForRoom();
      // waitForRoom also wakes when the buffer closes: let stop() run instead of spinning.
      if (!options.hasRoom()) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  /** Runs `step` now when nothing is held and there is room, else after what is held, once there is room. */
  const inTurn = (step: () => void) => {
    if (held === undefined && options.hasRoom()) return step();
    stream.pause();
    const mine = (held ?? Promise.resolve()).then(room).then(() => {
      if (!stopped) step();
    });
    held = mine;
    void mine.then(() => {
      if (held !== mine) return;
      held = undefined;
      if (!stopped) stream.resume();
    });
  };

  const onData = (chunk: Buffer) => inTurn(() => handOver(splitter.push(chunk)));
  const done = new Promise<void>((resolve) => {
    stream.on('data', onData);
    stream.once('end', () =>
      inTurn(() => {
        handOver(splitter.end());
        resolve();
      }),
    );
    stream.once('error', () => resolve());
  });
  return {
    done,
    stop: () => {
      stopped = true;
      stream.off('data', onData);
      stream.pause();
    },
  };
}
