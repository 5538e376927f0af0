import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './token-bucket-limiter';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then refuses with the seconds until a token is back', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 0.5, burst: 3 });
    expect([1, 2, 3].map(() => limiter.take('a', 0).ok)).toEqual([true, true, true]);
    expect(limiter.take('a', 0)).toEqual({ ok: false, retryAfterSeconds: 2 });
  });

  it('refills at the configured rate up to the burst', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 10, burst: 2 });
    limiter.take('a', 0);
    limiter.take('a', 0);
    expect(limiter.take('a', 50).ok).toBe(false);
    expect(limiter.take('a', 100).ok).toBe(true);
    // A long pause refills no more than the burst.
    expect([1, 2, 3].map(() => limiter.take('a', 60_000).ok)).toEqual([true, true, false]);
  });

  it('keeps keys independent', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1 });
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('a', 0).ok).toBe(false);
    expect(limiter.take('b', 0).ok).toBe(true);
  });

  it('charges a cost, capping it at the burst so a large request passes a full bucket', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 5 });
    expect(limiter.take('a', 0, 3).ok).toBe(true);
    expect(limiter.take('a', 0, 3)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b', 0, 50).ok).toBe(true);
    expect(limiter.take('b', 0, 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('forgets the least recently used key beyond maxKeys', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('a', 0); // a is now the most recent
    limiter.take('c', 0); // evicts b
    expect(limiter.size).toBe(2);
    expect(limiter.take('a', 0).ok).toBe(false);
    expect(limiter.take('b', 0).ok).toBe(true); // b starts over with a full bucket; evicts c
    expect(limiter.size).toBe(2);
  });

  it('adds nothing when the clock steps backwards', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1 });
    limiter.take('a', 10_000);
    expect(limiter.take('a', 0).ok).toBe(false);
    expect(limiter.take('a', 10_999).ok).toBe(false);
    expect(limiter.take('a', 11_000).ok).toBe(true);
  });

  it('rejects settings that could never admit a request', () => {
    expect(() => new TokenBucketLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond > 0/);
    expect(() => new TokenBucketLimiter({ ratePerSecond: 1, burst: 0 })).toThrow(/ratePerSecond > 0/);
  });
});
