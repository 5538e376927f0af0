// Per-key token buckets for rate limiting Vigil's own endpoints. Pure: the caller passes the time.
// The key count is bounded (least recently used keys are forgotten) so a flood of distinct
// client addresses cannot grow memory without limit.
import { VigilError } from '@vigil/contract';

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  /** Keys remembered at most; default 10 000. A forgotten key starts again with a full bucket. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class TokenBucketLimiter {
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private readonly maxKeys: number;
  /** Map iteration order is insertion order; re-inserting on use keeps the least recent first. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1) || !((options.maxKeys ?? 1) >= 1)) {
      throw new VigilError(
        'VIGIL_CONFIG_INVALID',
        `rate limit needs ratePerSecond > 0, burst >= 1 and maxKeys >= 1 (got ${JSON.stringify(options)}), e.g. ratePerSecond 50, burst 100`,
      );
    }
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Takes `cost` tokens (capped at the burst) from the key's bucket if it holds them. */
  take(key: string, nowMs: number, cost = 1): TakeResult {
    const needed = Math.min(cost, this.burst);
    const bucket = this.refilled(key, nowMs);
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    this.evictBeyondLimit();
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - bucket.tokens) / this.ratePerSecond)) };
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, nowMs: number): Bucket {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return { tokens: this.burst, updatedMs: nowMs };
    // A clock that steps backwards adds nothing rather than draining the bucket.
    const elapsedSeconds = Math.max(0, nowMs - bucket.updatedMs) / 1000;
    return {
      tokens: Math.min(this.burst, bucket.tokens + elapsedSeconds * this.ratePerSecond),
      updatedMs: Math.max(nowMs, bucket.updatedMs),
    };
  }

  private evictBeyondLimit(): void {
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) return;
      this.buckets.delete(key);
    }
  }
}
