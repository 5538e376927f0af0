// Whether the cluster answers, known without a send: a producer that has nothing to send (a
// collector without traffic) would otherwise look ready through a whole outage. One metadata
// request at a time, every few seconds, each bounded by a timeout, from an admin of its own; the
// caller reads the last outcome, so asking costs nothing per request.

import type { Admin, Kafka } from 'kafkajs';
import type { TransportLogger } from './transport-logger';

export interface BrokerCheckOptions {
  /** A client that does not retry and logs nothing: a failed check is one warning here, not a log line every few seconds. */
  client: Kafka;
  intervalMs: number;
  /** A check not answered within this counts as failed. */
  timeoutMs: number;
  logger: TransportLogger;
}

const BROKER_CHECK_FAILED = 'no Kafka broker answered the last connection check (the log has the error: "Kafka broker check failed")';

export class BrokerCheck {
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  private failing = false;
  /** When the last check that a broker answered started (epoch ms). */
  private answeredCheckStartedAt: number | undefined;

  constructor(private readonly options: BrokerCheckOptions) {}

  /** Why the cluster is unreachable as of the last check, or undefined. The first call starts the checks. */
  problem(): string | undefined {
    this.start();
    return this.failing ? BROKER_CHECK_FAILED : undefined;
  }

  /** True once a broker answered a check that started at `time` (epoch ms) or later. Starts the checks. */
  answeredSince(time: number): boolean {
    this.start();
    return this.answeredCheckStartedAt !== undefined && this.answeredCheckStartedAt >= time;
  }

  private start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.check();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.dropAdmin();
  }

  private async check(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    const startedAt = Date.now();
    try {
      await Promise.race([this.describeCluster(), timeout]);
      this.answeredCheckStartedAt = startedAt;
      if (this.failing) this.options.logger.info({}, 'Kafka broker check answered again');
      this.failing = false;
    } catch (error) {
      if (!this.failing && !this.stopped) this.options.logger.warn({ err: error }, 'Kafka broker check failed');
      this.failing = true;
      await this.dropAdmin();
    } finally {
      clearTimeout(timer);
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), this.options.intervalMs);
    this.timer.unref();
  }

  private async describeCluster(): Promise<void> {
    if (this.admin === undefined) {
      const admin = this.options.client.admin();
      this.admin = admin;
      await admin.connect();
    }
    await this.admin.describeCluster();
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => {});
  }
}
