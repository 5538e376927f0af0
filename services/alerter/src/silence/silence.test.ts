import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { anomalyFixture } from '../anomaly-fixture';
import { globMatches, silenceFromRequest, silenceMatches, validateSilence, type Silence } from './silence';

const NOW = 2_000_000;

function silence(matchers: Silence['matchers'], endsAt: number | null = NOW + 60_000): Silence {
  return { v: 1, id: 's-1', matchers, startsAt: NOW - 1, endsAt, createdBy: 'test', comment: '' };
}

describe('silenceMatches', () => {
  it('matches when every matcher matches', () => {
    expect(silenceMatches(silence({ detector: 'traffic-spike', service: 'checkout' }), anomalyFixture(), NOW)).toBe(true);
    expect(silenceMatches(silence({ detector: 'traffic-spike', service: 'billing' }), anomalyFixture(), NOW)).toBe(false);
  });

  it('treats "*" as any run of characters and other characters literally', () => {
    expect(silenceMatches(silence({ entityKey: 'key-*' }), anomalyFixture(), NOW)).toBe(true);
    expect(silenceMatches(silence({ entityKey: 'key.42' }), anomalyFixture(), NOW)).toBe(false);
  });

  it('matches a route with or without its method, on a route entity or the top route', () => {
    expect(silenceMatches(silence({ route: '/login' }), anomalyFixture(), NOW)).toBe(true);
    const routeEntity = anomalyFixture({ entity: { kind: 'route', key: 'GET /users/{id}' } });
    expect(silenceMatches(silence({ route: 'GET /users/{id}' }), routeEntity, NOW)).toBe(true);
    expect(silenceMatches(silence({ route: '/orders' }), routeEntity, NOW)).toBe(false);
  });

  it('stops matching once expired', () => {
    expect(silenceMatches(silence({ detector: '*' }, NOW), anomalyFixture(), NOW)).toBe(false);
    expect(silenceMatches(silence({ detector: '*' }, null), anomalyFixture(), NOW + 1e12)).toBe(true);
  });
});

describe('globMatches', () => {
  /** The meaning of a pattern, as a regular expression: fine for the short texts generated here. */
  function byRegExp(pattern: string, value: string): boolean {
    const source = pattern.split('*').map((run) => run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    return new RegExp(`^${source}$`, 's').test(value);
  }

  it('agrees with "*" read as any run of characters, for any pattern and value', () => {
    const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'b', '/', '.', '*'), maxLength: max });
    fc.assert(
      fc.property(text(8), text(12), (pattern, raw) => {
        const value = raw.replaceAll('*', 'a');
        expect(globMatches(pattern, value)).toBe(byRegExp(pattern, value));
        expect(globMatches(pattern, pattern.replaceAll('*', ''))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('does not overlap the runs at the two ends', () => {
    expect(globMatches('ab*ba', 'aba')).toBe(false);
    expect(globMatches('ab*ba', 'abba')).toBe(true);
    expect(globMatches('a*b*a', 'aba')).toBe(true);
    expect(globMatches('a*b*a', 'ab')).toBe(false);
  });

  it('answers at once for long attacker-chosen paths that almost match many runs', () => {
    // A backtracking regular expression (what this was) took about 2 s for each of these paths,
    // and blocked the alerter meanwhile: found by a security review.
    for (let i = 0; i < 10; i++) {
      const path = `/api${'/users/orders'.repeat(600)}/${i}`;
      expect(globMatches('GET /api/*/users/*/orders/*/export', `GET ${path}`)).toBe(false);
    }
    expect(globMatches('*a*b*c*', 'ab'.repeat(5000))).toBe(false);
  });
});

describe('silenceFromRequest', () => {
  const ids = { id: 'abc', createdBy: 'admin' };

  it('builds a silence with an expiry from a duration', () => {
    const s = silenceFromRequest({ matchers: { detector: 'x' }, durationSeconds: 60, comment: 'deploy' }, ids, NOW);
    expect(s).toEqual({ v: 1, id: 'abc', matchers: { detector: 'x' }, startsAt: NOW, endsAt: NOW + 60_000, createdBy: 'admin', comment: 'deploy' });
  });

  it.each([
    [{ matchers: {}, durationSeconds: 60 }, 'matchers'],
    [{ matchers: { colour: 'red' }, durationSeconds: 60 }, 'matchers.colour'],
    [{ matchers: { detector: 'x' } }, 'durationSeconds'],
    [{ matchers: { detector: 'x' }, endsAt: '2000-01-01T00:00:00Z' }, 'endsAt'],
    ['not an object', '(root)'],
  ])('rejects %j naming the field', (body, field) => {
    try {
      silenceFromRequest(body, ids, NOW);
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_CONTRACT_INVALID')).toBe(true);
      expect((error as { details: { field: string } }).details.field).toBe(field);
    }
  });
});

describe('validateSilence', () => {
  it('accepts what silenceFromRequest produced', () => {
    const s = silenceFromRequest({ matchers: { route: '/login' }, durationSeconds: 5 }, { id: 'i', createdBy: 'c' }, NOW);
    expect(validateSilence(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });
});
