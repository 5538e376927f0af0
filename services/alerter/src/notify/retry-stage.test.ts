import { describe, expect, it } from 'vitest';
import { alerterSchema, loadConfig } from '@vigil/config';
import type { Notifier, NotifyResult } from '@vigil/notifiers';
import { anomalyFixture } from '../anomaly-fixture';
import { deliverWithRetry, retryDelayMs, type RetryPolicy } from './retry-stage';

const policy: RetryPolicy = { maxAttempts: 4, baseMs: 100, maxMs: 1_000 };
const notification = { idempotencyKey: 'k', kind: 'firing' as const, groupKey: 'g', anomaly: anomalyFixture(), groupSize: 1 };

function scripted(results: Array<NotifyResult | Error>): Notifier & { calls: number } {
  const notifier = {
    channel: 'slack',
    calls: 0,
    async send(): Promise<NotifyResult> {
      const next = results[Math.min(notifier.calls++, results.length - 1)];
      if (next instanceof Error) throw next;
      return next as NotifyResult;
    },
  };
  return notifier;
}

function recordingWaits() {
  const waits: number[] = [];
  return { waits, env: { wait: async (ms: number) => void waits.push(ms), random: () => 0.5 } };
}

describe('retryDelayMs', () => {
  it('doubles the ceiling per failure up to the maximum, jittered between half of it and all of it', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, 0))).toEqual([50, 100, 200, 400, 500]);
  });

  it('keeps retrying with the default settings for at least three minutes, so a short outage loses nothing', () => {
    const config = loadConfig(alerterSchema, {});
    const defaults: RetryPolicy = { maxAttempts: config.notifyMaxAttempts, baseMs: config.notifyBackoffBaseMs, maxMs: config.notifyBackoffMaxMs };
    const waits = (random: number) => Array.from({ length: defaults.maxAttempts - 1 }, (_, i) => retryDelayMs(defaults, i + 1, random));
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(sum(waits(0))).toBeGreaterThanOrEqual(180_000);
    expect(sum(waits(0.999))).toBeLessThanOrEqual(10 * 60_000);
  });

  it('honours Retry-After, capped at the maximum', () => {
    expect(retryDelayMs(policy, 1, 0.5, 700)).toBe(700);
    expect(retryDelayMs(policy, 1, 0.5, 30_000)).toBe(1_000);
  });
});

describe('deliverWithRetry', () => {
  it('retries a 500 and a 429 then succeeds, waiting the Retry-After', async () => {
    const notifier = scripted([
      { ok: false, retryable: true, reason: 'HTTP 500' },
      { ok: false, retryable: true, reason: 'HTTP 429', retryAfterMs: 300 },
      { ok: true },
    ]);
    const { waits, env } = recordingWaits();
    const outcome = await deliverWithRetry(notifier, notification, policy, env);
    expect(outcome).toEqual({ result: { ok: true }, attempts: 3, interrupted: false });
    expect(waits).toEqual([75, 300]);
  });

  it('gives up at once on a non-retryable failure', async () => {
    const notifier = scripted([{ ok: false, retryable: false, reason: 'HTTP 404' }]);
    const outcome = await deliverWithRetry(notifier, notification, policy, recordingWaits().env);
    expect(outcome.attempts).toBe(1);
    expect(outcome.result.ok).toBe(false);
  });

  it('stops after the maximum attempts, treating a throw as retryable', async () => {
    const notifier = scripted([new Error('socket hang up')]);
    const outcome = await deliverWithRetry(notifier, notification, policy, recordingWaits().env);
    expect(outcome.attempts).toBe(4);
    expect(outcome.result).toMatchObject({ ok: false, reason: 'notifier threw: socket hang up' });
  });
});
