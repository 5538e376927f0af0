import { afterEach, describe, expect, it, vi } from 'vitest';
import { VigilError, isVigilError } from '@vigil/contract';
import { eventCarrying } from './event-carrying.test-helper';
import { PublishBuffer, type PublishEntry } from './publish-buffer';

const entry = (...paths: string[]): PublishEntry => ({ events: paths.map(eventCarrying), rejections: [] });

/** A publish function the test answers by hand, one call at a time. */
function controlledPublish() {
  const calls: Array<{ entries: readonly PublishEntry[]; succeed(): void; fail(error: unknown): void }> = [];
  const publish = (entries: readonly PublishEntry[]) =>
    new Promise<void>((resolve, reject) => calls.push({ entries, succeed: resolve, fail: reject }));
  const paths = (i: number) => calls[i]?.entries.flatMap((e) => e.events.map((ev) => ev.request.path));
  return { calls, publish, paths };
}

const unavailable = () => new VigilError('VIGIL_KAFKA_UNAVAILABLE', 'broker down', { retryable: true });

afterEach(() => {
  vi.useRealTimers();
});

describe('PublishBuffer', () => {
  it('resolves an offer only after its send is acknowledged', async () => {
    const kafka = controlledPublish();
    const buffer = new PublishBuffer({ maxItems: 100, maxItemsPerSend: 100, publish: kafka.publish });
    let acked = false;
    const offered = buffer.offer(entry('/a')).then(() => (acked = true));
    await Promise.resolve();
    expect(acked).toBe(false);
    kafka.calls[0]?.succeed();
    await offered;
    expect(acked).toBe(true);
  });

  it('sends one batch at a time in arrival order, collecting what queued meanwhile', async () => {
    const kafka = controlledPublish();
    const buffer = new PublishBuffer({ maxItems: 100, maxItemsPerSend: 100, publish: kafka.publish });
    const first = buffer.offer(entry('/1'));
    const rest = [buffer.offer(entry('/2')), buffer.offer(entry('/3'))];
    expect(kafka.calls).toHaveLength(1);
    kafka.calls[0]?.succeed();
    await first;
    expect(kafka.paths(1)).toEqual(['/2', '/3']);
    kafka.calls[1]?.succeed();
    await Promise.all(rest);
  });

  it('refuses offers with VIGIL_BACKPRESSURE while full and wakes waiters when room frees', async () => {
    const kafka = controlledPublish();
    const buffer = new PublishBuffer({ maxItems: 2, maxItemsPerSend: 100, publish: kafka.publish });
    const held = buffer.offer(entry('/1', '/2'));
    expect(buffer.status().full).toBe(true);
    await expect(buffer.offer(entry('/3'))).rejects.toSatisfy((e: unknown) => isVigilError(e, 'VIGIL_BACKPRESSURE'));
    let roomAgain = false;
    const waiting = buffer.waitForRoom().then(() => (roomAgain = true));
    await Promise.resolve();
    expect(roomAgain).toBe(false);
    kafka.calls[0]?.succeed();
    await Promise.all([held, waiting]);
    expect(roomAgain).toBe(true);
  });

  it('keeps entries queued across a failed send and retries them, in order, after a backoff', async () => {
    vi.useFakeTimers();
    const kafka = controlledPublish();
    const failures: boolean[] = [];
    const buffer = new PublishBuffer({
      maxItems: 100,
      maxItemsPerSend: 100,
      publish: kafka.publish,
      retryDelayMs: { initial: 100, max: 1000 },
      onSendFailed: (_error, willRetry) => failures.push(willRetry),
    });
    const offered = buffer.offer(entry('/1'));
    kafka.calls[0]?.fail(unavailable());
    await vi.advanceTimersByTimeAsync(0);
    expect(buffer.status()).toMatchObject({ kafkaAvailable: false, queuedItems: 1 });
    void buffer.offer(entry('/2'));
    expect(kafka.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(kafka.paths(1)).toEqual(['/1', '/2']);
    kafka.calls[1]?.succeed();
    await offered;
    expect(buffer.status()).toMatchObject({ kafkaAvailable: true, queuedItems: 0 });
    expect(failures).toEqual([true]);
  });

  it('gives up on an offer at its deadline with VIGIL_BACKPRESSURE and does not send it later', async () => {
    vi.useFakeTimers();
    const kafka = controlledPublish();
    const buffer = new PublishBuffer({ maxItems: 100, maxItemsPerSend: 100, publish: kafka.publish, retryDelayMs: { initial: 1000, max: 1000 } });
    void buffer.offer(entry('/stream'));
    kafka.calls[0]?.fail(unavailable());
    await vi.advanceTimersByTimeAsync(0);
    const http = buffer.offer(entry('/http'), 500);
    const outcome = http.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(isVigilError(await outcome, 'VIGIL_BACKPRESSURE')).toBe(true);
    expect(buffer.status().kafkaAvailable).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(kafka.paths(1)).toEqual(['/stream']);
  });

  it('keeps the Kafka error out of the deadline error and out of the status /readyz shows', async () => {
    vi.useFakeTimers();
    const kafka = controlledPublish();
    const buffer = new PublishBuffer({ maxItems: 100, maxItemsPerSend: 100, publish: kafka.publish, retryDelayMs: { initial: 1000, max: 1000 } });
    void buffer.offer(entry('/stream'));
    kafka.calls[0]?.fail(new VigilError('VIGIL_KAFKA_UNAVAILABLE', 'Kafka send failed: connect ECONNREFUSED 10.9.8.7:9092', { retryable: true }));
    await vi.advanceTimersByTimeAsync(0);
    const outcome = buffer.offer(entry('/http'), 500).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    const error = await outcome;
    expect(isVigilError(error, 'VIGIL_BACKPRESSURE')).toBe(true);
    expect((error as Error).message).toMatch(/^Kafka did not acknowledge within 500 ms; retry in \d+ s$/);
    // /readyz is open to anyone: it says what failed, the log (onSendFailed) has Kafka's error.
    expect(buffer.status().problem).toBe('the last send failed');
    expect(JSON.stringify(buffer.status())).not.toContain('10.9.8.7');
  });

  it('fails entries at once on a non-retryable error so they cannot block the buffer', async () => {
    const kafka = controlledPublish();
    const buffer = new PublishBuffer({ maxItems: 100, maxItemsPerSend: 1, publish: kafka.publish });
    const refused = buffer.offer(entry('/huge'));
    const next = buffer.offer(entry('/next'));
    kafka.calls[0]?.fail(new VigilError('VIGIL_KAFKA_UNAVAILABLE', 'record too large', { retryable: false }));
    await expect(refused).rejects.toThrow(/too large/);
    await Promise.resolve();
    expect(kafka.paths(1)).toEqual(['/next']);
    kafka.calls[1]?.succeed();
    await next;
  });

  it('drains what is queued, then fails leftovers with VIGIL_SHUTDOWN on close', async () => {
    const kafka = controlledPublish();
    const buffer = new PublishBuffer({ maxItems: 100, maxItemsPerSend: 1, publish: kafka.publish });
    const first = buffer.offer(entry('/1'));
    const second = buffer.offer(entry('/2'));
    const drained = buffer.drain(60_000);
    kafka.calls[0]?.succeed();
    await first;
    kafka.calls[1]?.succeed();
    await second;
    expect(await drained).toBe(true);
    const stuck = buffer.offer(entry('/3')).catch((e: unknown) => e);
    expect(buffer.isClosed()).toBe(false);
    buffer.close();
    expect(buffer.isClosed()).toBe(true);
    kafka.calls[2]?.fail(unavailable());
    expect(isVigilError(await stuck)).toBe(true);
    await expect(buffer.offer(entry('/4'))).rejects.toSatisfy((e: unknown) => isVigilError(e, 'VIGIL_SHUTDOWN'));
  });
});
