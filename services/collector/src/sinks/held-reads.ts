// Backpressure for a streaming input (a syslog TCP connection, stdin): its reads reach the publish
// buffer only while the buffer has room, as an offer to a full buffer is refused and its lines lost.
// Otherwise they are held, in order, and the stream paused until there is room, so the sender is
// slowed instead. Once the buffer is closed nothing makes room: held reads then go on, to be
// refused and counted.

/** What of the publish buffer holding reads needs. */
export interface BufferRoom {
  hasRoom(): boolean;
  /** Resolves once there is room, or the buffer closed. */
  waitForRoom(): Promise<void>;
  isClosed(): boolean;
}

export class HeldReads<T> {
  private readonly held: T[] = [];
  private paused = false;
  private stopped = false;

  constructor(
    private readonly stream: { pause(): unknown; resume(): unknown },
    private readonly buffer: BufferRoom,
    private readonly ingest: (read: T) => void,
  ) {}

  /** Ingests the read now if nothing is held and there is room, else after what is held, once there is. */
  take(read: T): void {
    if (this.stopped) return;
    this.held.push(read);
    if (!this.paused) this.drain();
  }

  /** Drops what is held and ingests nothing more; the stream stays paused. */
  stop(): void {
    this.stopped = true;
    this.held.length = 0;
    this.stream.pause();
  }

  private readonly drain = (): void => {
    if (this.stopped) return;
    const flowing = () => this.buffer.isClosed() || this.buffer.hasRoom();
    while (this.held.length > 0 && !this.stopped && flowing()) this.ingest(this.held.shift() as T);
    if (this.stopped) return;
    if (flowing()) {
      if (this.paused) this.stream.resume();
      this.paused = false;
      return;
    }
    this.paused = true;
    this.stream.pause();
    void this.buffer.waitForRoom().then(this.drain);
  };
}
