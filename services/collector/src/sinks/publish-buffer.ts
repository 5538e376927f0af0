// The bounded buffer between every source and Kafka. Sources offer parsed batches; one send at a
// time takes them in arrival order, so acknowledgements come back in order (file offsets rely on
// it). A failed send is retried with backoff and the entries stay queued; when the buffer is full
// offers are refused with VIGIL_BACKPRESSURE (HTTP answers 503) and streaming sources wait for room.

import { VigilError, type ApiAccessEvent, type RejectedInput } from '@vigil/contract';
import type { TraceContext } from '@vigil/telemetry';

export interface PublishEntry {
  events: ApiAccessEvent[];
  rejections: RejectedInput[];
  /** The ingest span these came from; the send that publishes them continues it. */
  trace?: TraceContext;
}

export interface PublishBufferOptions {
  /** Events plus rejections held at most (a last offer may overshoot by its own size). */
  maxItems: number;
  /** Items taken into one send. */
  maxItemsPerSend: number;
  /** Resolves once Kafka acknowledged everything; rejects with a VigilError otherwise. */
  publish(entries: readonly PublishEntry[]): Promise<void>;
  retryDelayMs?: { initial: number; max: number };
  onSendFailed?(error: unknown, willRetry: boolean): void;
}

export interface BufferStatus {
  queuedItems: number;
  full: boolean;
  /** False from a failed or timed-out send until the next successful one. */
  kafkaAvailable: boolean;
  /** While kafkaAvailable is false: when the latest send failed or timed out (epoch ms). */
  failedAt: number | undefined;
  /**
   * Why Kafka counts as unavailable, in Vigil's words for /readyz (which anyone may read): Kafka's
   * own error names brokers and their addresses, so it goes to the log only (onSendFailed).
   */
  problem: string | undefined;
}

interface Pending {
  entry: PublishEntry;
  size: number;
  resolve(): void;
  reject(error: unknown): void;
  /** The offerer stopped waiting (deadline passed): never retried, never settled again. */
  abandoned: boolean;
  deadline: NodeJS.Timeout | undefined;
}

const DEFAULT_RETRY = { initial: 200, max: 5000 };

export class PublishBuffer {
  private queue: Pending[] = [];
  private inFlight: Pending[] = [];
  private queuedItems = 0;
  private sending = false;
  private closed = false;
  /** When the latest send failed or timed out, until a send succeeds: Kafka counts as unavailable meanwhile. */
  private failedAt: number | undefined;
  private problem: string | undefined;
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private roomWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private readonly retry: { initial: number; max: number };

  constructor(private readonly options: PublishBufferOptions) {
    this.retry = options.retryDelayMs ?? DEFAULT_RETRY;
    this.retryDelay = this.retry.initial;
  }

  status(): BufferStatus {
    return { queuedItems: this.queuedItems, full: !this.hasRoom(), kafkaAvailable: this.failedAt === undefined, failedAt: this.failedAt, problem: this.problem };
  }

  hasRoom(): boolean {
    return this.queuedItems < this.options.maxItems;
  }

  /** Seconds a refused client should wait: the current retry backoff, at least 1. */
  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryDelay / 1000));
  }

  /** Resolves when the entry is in Kafka. `timeoutMs`: give up waiting (the entry is dropped if not yet sent). */
  offer(entry: PublishEntry, timeoutMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new VigilError('VIGIL_SHUTDOWN', 'the collector is stopping; retry against another instance'));
    if (!this.hasRoom()) return Promise.reject(this.backpressure('the collector buffer is full'));
    const size = entry.events.length + entry.rejections.length;
    if (size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = { entry, size, resolve, reject, abandoned: false, deadline: undefined };
      if (timeoutMs !== undefined) pending.deadline = setTimeout(() => this.abandon(pending, timeoutMs), timeoutMs);
      this.queue.push(pending);
      this.queuedItems += size;
      this.pump();
    });
  }

  /** True once close() was called: offers are refused from then on. */
  isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once there is room for another offer (immediately when there is), or the buffer closed. */
  waitForRoom(): Promise<void> {
    if (this.hasRoom() || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Keeps sending until empty or the timeout; resolves true when everything was acknowledged. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const drained = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return drained;
  }

  /** Refuses new offers and fails what is still queued with VIGIL_SHUTDOWN. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const left = this.queue;
    this.queue = [];
    for (const pending of left) this.settle(pending, new VigilError('VIGIL_SHUTDOWN', 'the collector stopped before Kafka acknowledged these events'));
    this.wakeRoomWaiters();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight.length === 0;
  }

  private backpressure(why: string): VigilError {
    return new VigilError('VIGIL_BACKPRESSURE', `${why}; retry in ${this.retryAfterSeconds()} s`, {
      retryable: true,
      details: { retryAfterSeconds: this.retryAfterSeconds() },
    });
  }

  private abandon(pending: Pending, timeoutMs: number): void {
    if (pending.abandoned) return;
    const queuedAt = this.queue.indexOf(pending);
    if (queuedAt !== -1) this.queue.splice(queuedAt, 1);
    // No acknowledgement in time is Kafka being slow or down, even before the send itself fails.
    this.failedAt = Date.now();
    this.problem ??= `no acknowledgement within ${timeoutMs} ms`;
    // The sender reads this message: Kafka's error names brokers and their addresses, so it stays
    // in the log, for the operator.
    this.settle(pending, this.backpressure(`Kafka did not acknowledge within ${timeoutMs} ms`));
    this.pump();
  }

  /** Settles once; frees the entry's room. */
  private settle(pending: Pending, error?: unknown): void {
    if (pending.abandoned) return;
    pending.abandoned = true;
    clearTimeout(pending.deadline);
    this.queuedItems -= pending.size;
    if (error === undefined) pending.resolve();
    else pending.reject(error);
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    if (!this.hasRoom() && !this.closed) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  private takeBatch(): Pending[] {
    let items = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || items < this.options.maxItemsPerSend)) {
      items += (this.queue[count] as Pending).size;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private pump(): void {
    if (this.sending || this.retryTimer !== undefined || this.queue.length === 0) {
      if (this.isIdle()) this.wakeIdleWaiters();
      return;
    }
    this.sending = true;
    this.inFlight = this.takeBatch();
    this.options.publish(this.inFlight.map((p) => p.entry)).then(
      () => this.onSent(),
      (error: unknown) => this.onFailed(error),
    );
  }

  private onSent(): void {
    for (const pending of this.inFlight) this.settle(pending);
    this.inFlight = [];
    this.sending = false;
    this.failedAt = undefined;
    this.problem = undefined;
    this.retryDelay = this.retry.initial;
    this.pump();
  }

  private onFailed(error: unknown): void {
    const batch = this.inFlight;
    this.inFlight = [];
    this.sending = false;
    const retryable = !(error instanceof VigilError) || error.retryable;
    this.options.onSendFailed?.(error, retryable);
    if (!retryable) {
      // Retrying a refused record (e.g. too large) would block everything behind it forever.
      for (const pending of batch) this.settle(pending, error);
      this.pump();
      return;
    }
    this.failedAt = Date.now();
    this.problem = 'the last send failed';
    // Back to the front, in order; entries whose offerer gave up are not retried.
    this.queue.unshift(...batch.filter((pending) => !pending.abandoned));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retry.max, this.retryDelay * 2);
    if (this.closed) this.close();
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
