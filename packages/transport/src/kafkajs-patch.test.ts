// patches/kafkajs@2.2.4.patch: kafkajs asks for a timer of about minus the epoch in ms whenever its
// request queue is not throttled, which Node 24 reports as a TimeoutNegativeWarning on every
// connection (kafkajs#1751). Node 20 clamps it silently, so this checks the delay itself.

import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);

interface RequestQueueLike {
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueueLike;

describe('the patched kafkajs request queue', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never asks for a negative timer when it is not throttled', () => {
    const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    const queue = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: true, clientId: 'test', broker: 'b:9092', logger: silent });
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((handler: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(handler, ms);
    }) as typeof setTimeout);
    queue.scheduleCheckPendingRequests();
    queue.destroy();
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1);
  });
});
