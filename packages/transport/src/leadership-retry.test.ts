import { describe, expect, it } from 'vitest';
import { KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { kafkaUnavailable } from './kafka-errors';
import { fetchOffsetsWhenSettled, isLeadershipError, retryWhileLeadershipSettles } from './leadership-retry';

/** The shape kafkajs gives a broker error code. */
function protocolError(type: string): Error {
  return Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable: true });
}

/** A clock that only moves when the retry waits, so no test sleeps. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    wait: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('isLeadershipError', () => {
  it('recognises the three leadership errors however deeply kafkajs and the transport wrap them', () => {
    const wrapped = kafkaUnavailable('fetch offsets', new KafkaJSNumberOfRetriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION'), { retryCount: 5, retryTime: 100 }));
    expect(isLeadershipError(wrapped)).toBe(true);
    expect(isLeadershipError(kafkaUnavailable('describe', protocolError('UNKNOWN_TOPIC_OR_PARTITION')))).toBe(true);
    const aggregate = Object.assign(new Error('some partitions failed'), { errors: [protocolError('LEADER_NOT_AVAILABLE')] });
    expect(isLeadershipError(aggregate)).toBe(true);
  });

  it('does not take other failures for leadership errors', () => {
    expect(isLeadershipError(kafkaUnavailable('send', protocolError('MESSAGE_TOO_LARGE')))).toBe(false);
    expect(isLeadershipError(new Error('connect ECONNREFUSED 127.0.0.1:9'))).toBe(false);
    expect(isLeadershipError(undefined)).toBe(false);
  });
});

describe('retryWhileLeadershipSettles', () => {
  it('retries leadership errors with growing waits until the call succeeds', async () => {
    const time = fakeTime();
    const attempts: number[] = [];
    const result = await retryWhileLeadershipSettles(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 4) throw kafkaUnavailable('read', protocolError('NOT_LEADER_FOR_PARTITION'));
        return 'served';
      },
      { timeoutMs: 30_000, ...time },
    );
    expect(result).toBe('served');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(time.waits).toEqual([100, 200, 400]);
  });

  it('fails at once on any other error', async () => {
    const time = fakeTime();
    const refused = kafkaUnavailable('read', new Error('SASL authentication failed'));
    await expect(retryWhileLeadershipSettles(async () => Promise.reject(refused), { timeoutMs: 30_000, ...time })).rejects.toBe(refused);
    expect(time.waits).toEqual([]);
  });

  it('gives up with the last leadership error once the time budget is spent, waits capped at 2 s', async () => {
    const time = fakeTime();
    let calls = 0;
    const stillNoLeader = kafkaUnavailable('read', protocolError('LEADER_NOT_AVAILABLE'));
    await expect(
      retryWhileLeadershipSettles(
        async () => {
          calls++;
          throw stillNoLeader;
        },
        { timeoutMs: 10_000, ...time },
      ),
    ).rejects.toBe(stillNoLeader);
    expect(Math.max(...time.waits)).toBe(2000);
    expect(time.now()).toBeLessThanOrEqual(10_000);
    expect(calls).toBe(time.waits.length + 1);
  });
});

describe('fetchOffsetsWhenSettled', () => {
  it("turns kafkajs's destructuring TypeError on a settling topic into a leadership error that is retried", async () => {
    const time = fakeTime();
    let calls = 0;
    const offsets = await retryWhileLeadershipSettles(
      () =>
        fetchOffsetsWhenSettled('t', async () => {
          calls++;
          if (calls === 1) throw new TypeError("Cannot destructure property 'partitions' of 'low.pop(...)' as it is undefined.");
          return [{ partition: 0, high: '5', low: '0' }];
        }),
      { timeoutMs: 10_000, ...time },
    );
    expect(offsets).toEqual([{ partition: 0, high: '5', low: '0' }]);
    expect(calls).toBe(2);
    expect(time.waits).toHaveLength(1);
  });

  it('passes any other error through unchanged', async () => {
    const other = new TypeError('x is not a function');
    await expect(fetchOffsetsWhenSettled('t', () => Promise.reject(other))).rejects.toBe(other);
    const failure = await fetchOffsetsWhenSettled('t', () => Promise.reject(other)).catch((error: unknown) => error);
    expect(isLeadershipError(failure)).toBe(false);
  });
});
