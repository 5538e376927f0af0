// When one input partition's task checkpoints. A checkpoint costs Kafka round trips (the state,
// then its outbox, then the offsets), so a task checkpoints at most once per interval and keeps
// the outputs of the steps in between in a pending outbox: nothing leaves before a checkpoint
// holds it (the write-ahead rule that keeps restarts exact), and nothing is committed past it.
// Anomalies and a watermark crossing a bucket boundary cannot wait: they checkpoint at once.

import type { Outbox } from './checkpoint-codec';
import { emptyOutbox } from './events-partition-task';

/**
 * Appends `later` to `earlier`. Repartition messages to the same partition become one: the
 * owner applies a message's partials when its `through` is new, so one message with the later
 * `through` and both partial lists is what applying the two in order would do. A restart starts
 * again at a checkpoint, where no message of the merged range was sent, so it cannot see half.
 */
export function mergeOutboxes(earlier: Outbox, later: Outbox): Outbox {
  const repartition = [...earlier.repartition];
  for (const next of later.repartition) {
    const index = repartition.findIndex((entry) => entry.partition === next.partition);
    const previous = repartition[index];
    if (previous === undefined) {
      repartition.push(next);
      continue;
    }
    repartition[index] = {
      partition: next.partition,
      message: {
        ...next.message,
        watermark: next.message.watermark ?? previous.message.watermark,
        partials: [...previous.message.partials, ...next.message.partials],
      },
    };
  }
  return { anomalies: [...earlier.anomalies, ...later.anomalies], repartition };
}

export class CheckpointSchedule {
  private pendingOutbox: Outbox = emptyOutbox();
  private checkpointedAt: number;
  private checkpointedOffset: string;

  constructor(
    /** 0: after every step. */
    private readonly intervalMs: number,
    now: number,
    /** The restored task's next offset: what the checkpoint it came from covers. */
    offset: string,
  ) {
    this.checkpointedAt = now;
    this.checkpointedOffset = offset;
  }

  /** Outputs of a step, to go out with the next checkpoint. */
  add(outbox: Outbox): void {
    this.pendingOutbox = mergeOutboxes(this.pendingOutbox, outbox);
  }

  get pending(): Outbox {
    return this.pendingOutbox;
  }

  /**
   * Whether the task should checkpoint now: it has something a checkpoint does not hold yet (input
   * read, or outputs), and the interval is over or `urgent` (a closed bucket) or anomalies wait.
   */
  isDue(now: number, nextOffset: string, urgent = false): boolean {
    if (this.isCurrent(nextOffset)) return false;
    return this.intervalMs === 0 || urgent || this.pendingOutbox.anomalies.length > 0 || now - this.checkpointedAt >= this.intervalMs;
  }

  /** Whether the last checkpoint holds everything: no input read since, no outputs waiting. */
  isCurrent(nextOffset: string): boolean {
    return nextOffset === this.checkpointedOffset && this.pendingOutbox.anomalies.length === 0 && this.pendingOutbox.repartition.length === 0;
  }

  /** A checkpoint holding the pending outbox and `nextOffset` is durable: what is pending from here on is new. */
  checkpointed(now: number, nextOffset: string): void {
    this.pendingOutbox = emptyOutbox();
    this.checkpointedAt = now;
    this.checkpointedOffset = nextOffset;
  }
}
