import { describe, expect, it, vi } from 'vitest';
import type { Notification, Notifier, NotifyResult } from '@vigil/notifiers';
import { anomalyFixture } from '../anomaly-fixture';
import type { DispatchedNotification } from '../dispatch/dispatcher';
import type { DeadLetterRecord, DeliveryRecord } from '../notification-log/log-records';
import { NotificationLog } from '../notification-log/notification-log';
import { DeliveryInterrupted, NotifyPipeline } from './notify-pipeline';
import type { RecordSink } from './record-stage';
import type { RetryEnvironment } from './retry-stage';
import { StormControl } from './storm-control-stage';

const NOW = 10_000_000;

class ScriptedNotifier implements Notifier {
  readonly sent: Notification[] = [];
  constructor(
    readonly channel: string,
    private readonly answers: NotifyResult[] = [{ ok: true }],
  ) {}
  async send(notification: Notification): Promise<NotifyResult> {
    const answer = this.answers.length > 1 ? (this.answers.shift() as NotifyResult) : (this.answers[0] as NotifyResult);
    if (answer.ok) this.sent.push(notification);
    return answer;
  }
}

/** A channel that answers only when the test lets it, in order. */
class HeldNotifier implements Notifier {
  readonly received: Notification[] = [];
  private readonly waiting: Array<() => void> = [];
  constructor(readonly channel: string) {}
  send(notification: Notification): Promise<NotifyResult> {
    this.received.push(notification);
    return new Promise((resolve) => this.waiting.push(() => resolve({ ok: true })));
  }
  answerAll(): void {
    for (const answer of this.waiting.splice(0)) answer();
  }
}

function setup<S extends Notifier = ScriptedNotifier>(options: { slack?: S; stormMax?: number; log?: NotificationLog; retryEnvironment?: RetryEnvironment } = {}) {
  const slack = (options.slack ?? new ScriptedNotifier('slack')) as S;
  const email = new ScriptedNotifier('email');
  const records: DeliveryRecord[] = [];
  const deadLetters: DeadLetterRecord[] = [];
  const sink: RecordSink = {
    record: async (r) => void records.push(r),
    park: async (d) => void deadLetters.push(d),
    saveGroups: async () => undefined,
  };
  const log = options.log ?? new NotificationLog();
  const pipeline = new NotifyPipeline({
    notifiers: new Map<string, Notifier>([['slack', slack], ['email', email]]),
    routing: { bySeverity: { critical: ['slack', 'email'], warning: ['slack'], info: [] }, byDetector: new Map(), always: [] },
    storm: new StormControl(options.stormMax ?? 100),
    log,
    retry: { maxAttempts: 3, baseMs: 10, maxMs: 100 },
    retryEnvironment: options.retryEnvironment ?? { wait: async () => undefined, random: () => 0 },
    sink,
    clock: () => NOW,
  });
  return { pipeline, slack, email, records, deadLetters, log };
}

function notification(key: string, severity: 'warning' | 'critical' = 'critical'): DispatchedNotification {
  return { idempotencyKey: key, kind: 'firing', groupKey: `g-${key}`, anomaly: anomalyFixture({ id: key, severity }), groupSize: 1, routeSeverity: severity };
}

async function deliverAll(pipeline: NotifyPipeline, notifications: readonly DispatchedNotification[]): Promise<void> {
  await (await pipeline.submit(notifications)).settled;
}

describe('NotifyPipeline', () => {
  it('delivers to the routed channels and records each outcome', async () => {
    const { pipeline, slack, email, records } = setup();
    await deliverAll(pipeline, [notification('k1')]);
    expect([slack.sent.length, email.sent.length]).toEqual([1, 1]);
    expect(records.map((r) => [r.channel, r.outcome, r.attempts])).toEqual([
      ['slack', 'delivered', 1],
      ['email', 'delivered', 1],
    ]);
  });

  it('skips what the notification log says was delivered', async () => {
    const log = new NotificationLog();
    log.markDelivered('slack', 'k1', NOW - 1);
    const { pipeline, slack, records } = setup({ log });
    await deliverAll(pipeline, [notification('k1', 'warning')]);
    expect(slack.sent).toEqual([]);
    expect(records.map((r) => r.outcome)).toEqual(['duplicate']);
  });

  it('records a notification the dispatcher found muted as silenced on each of its channels, and sends it nowhere', async () => {
    const { pipeline, slack, email, records } = setup();
    await deliverAll(pipeline, [{ ...notification('k1'), silenceId: 's1' }]);
    expect([slack.sent, email.sent]).toEqual([[], []]);
    expect(records.map((r) => [r.channel, r.outcome, r.silenceId])).toEqual([
      ['slack', 'silenced', 's1'],
      ['email', 'silenced', 's1'],
    ]);
  });

  it('records a delivery the channel took only in part with its warning', async () => {
    const slack = new ScriptedNotifier('slack', [{ ok: true, warning: 'SMTP server refused 1 of 2 recipients' }]);
    const { pipeline, records } = setup({ slack });
    await deliverAll(pipeline, [notification('k1', 'warning')]);
    expect(records.map((r) => [r.outcome, r.warning])).toEqual([['delivered', 'SMTP server refused 1 of 2 recipients']]);
  });

  it('parks a notification that keeps failing, with the error', async () => {
    const slack = new ScriptedNotifier('slack', [{ ok: false, retryable: true, reason: 'HTTP 503' }]);
    const { pipeline, records, deadLetters } = setup({ slack });
    await deliverAll(pipeline, [notification('k1', 'warning')]);
    expect(records.map((r) => [r.outcome, r.attempts, r.error])).toEqual([['failed', 3, 'HTTP 503']]);
    expect(deadLetters.map((d) => [d.channel, d.error, d.notification.idempotencyKey])).toEqual([['slack', 'HTTP 503', 'k1']]);
  });

  it('delivers to the other channels and later submissions while one channel has not answered', async () => {
    const slack = new HeldNotifier('slack');
    const { pipeline, email, records } = setup({ slack });
    const firstRound = await pipeline.submit([notification('k1')]);
    const secondRound = await pipeline.submit([notification('k2')]);
    await vi.waitFor(() => expect(email.sent.map((n) => n.idempotencyKey)).toEqual(['k1', 'k2']));
    expect(slack.received.map((n) => n.idempotencyKey)).toEqual(['k1']);
    let settled = false;
    void firstRound.settled.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);

    slack.answerAll();
    await vi.waitFor(() => expect(slack.received.map((n) => n.idempotencyKey)).toEqual(['k1', 'k2']));
    slack.answerAll();
    await Promise.all([firstRound.settled, secondRound.settled]);
    expect(records.filter((r) => r.channel === 'slack').map((r) => [r.idempotencyKey, r.outcome])).toEqual([
      ['k1', 'delivered'],
      ['k2', 'delivered'],
    ]);
  });

  it('after interrupt, settles what is left as interrupted without recording or parking it', async () => {
    const slack = new ScriptedNotifier('slack', [{ ok: false, retryable: true, reason: 'HTTP 503' }]);
    const { pipeline, records, deadLetters } = setup({ slack });
    pipeline.interrupt();
    const { settled } = await pipeline.submit([notification('k1', 'warning')]);
    await expect(settled).rejects.toBeInstanceOf(DeliveryInterrupted);
    expect([records, deadLetters]).toEqual([[], []]);
  });

  it('sends one summary for a flood and marks the folded alerts delivered', async () => {
    const { pipeline, slack, records, log } = setup({ stormMax: 2 });
    await deliverAll(pipeline, Array.from({ length: 10 }, (_, i) => notification(`k${i}`, 'warning')));
    expect(slack.sent.map((n) => n.kind)).toEqual(['firing', 'firing', 'summary']);
    expect(records.filter((r) => r.outcome === 'folded')).toHaveLength(8);
    expect(log.has('slack', 'k9')).toBe(true);
  });

  describe('stop', () => {
    const GRACE_MS = 5000;
    /** Waits that end only when aborted, except the stop's grace when `graceRunsOut`: time never passes on its own. */
    const untilAborted = (graceRunsOut: boolean): RetryEnvironment => ({
      random: () => 0,
      wait: (ms, signal) =>
        graceRunsOut && ms === GRACE_MS
          ? Promise.resolve()
          : new Promise((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true }))),
    });
    const failing: NotifyResult = { ok: false, retryable: true, reason: 'HTTP 503' };

    it('with time to spare, retries at once what waits for a retry and delivers the lane behind it', async () => {
      const { pipeline, slack } = setup({ slack: new ScriptedNotifier('slack', [failing, { ok: true }]), retryEnvironment: untilAborted(false) });
      const { settled } = await pipeline.submit([notification('k1', 'warning'), notification('k2', 'warning')]);
      await vi.waitFor(() => expect(pipeline.undelivered()).toHaveLength(2));
      await pipeline.stop(GRACE_MS);
      await settled;
      expect(slack.sent.map((n) => n.idempotencyKey)).toEqual(['k1', 'k2']);
      expect(pipeline.undelivered()).toEqual([]);
    });

    it('without time to spare, cuts the retry wait short and reports every delivery it left', async () => {
      const { pipeline, slack } = setup({ slack: new ScriptedNotifier('slack', [failing, { ok: true }]), retryEnvironment: untilAborted(false) });
      const { settled } = await pipeline.submit([notification('k1', 'warning'), notification('k2', 'warning')]);
      await pipeline.stop(0);
      await expect(settled).rejects.toBeInstanceOf(DeliveryInterrupted);
      expect(slack.sent).toEqual([]);
      expect(pipeline.undelivered().map(({ channel, notification }) => [channel, notification.idempotencyKey])).toEqual([
        ['slack', 'k1'],
        ['slack', 'k2'],
      ]);
    });

    it('reports what is still undelivered when the time to spare runs out', async () => {
      const { pipeline, records } = setup({ slack: new ScriptedNotifier('slack', [failing]), retryEnvironment: untilAborted(true) });
      const { settled } = await pipeline.submit([notification('k1', 'warning')]);
      await pipeline.stop(GRACE_MS);
      await expect(settled).rejects.toBeInstanceOf(DeliveryInterrupted);
      expect(pipeline.undelivered().map(({ notification }) => notification.idempotencyKey)).toEqual(['k1']);
      // Neither delivered nor failed: the next start (on Kafka) delivers it.
      expect(records).toEqual([]);
    });
  });
});
