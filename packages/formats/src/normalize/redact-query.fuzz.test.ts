// Properties of query and sample redaction: a query naming no credential comes back unchanged, and
// no value of a configured name survives, whatever its spelling, nor in a sample cut anywhere, nor
// in a query encoded inside another parameter's value.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_QUERY_PARAMS, QueryRedactor } from './redact-query';
import { SampleRedactor } from './redact-sample';

const redactor = new QueryRedactor(DEFAULT_REDACT_QUERY_PARAMS);
const samples = new SampleRedactor(redactor);

const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(''));

/**
 * Every default name holds an a, e, i, o or w: text without them, and without digits (so no `%xx`
 * decodes to one), names none of them, however its separators, escapes and brackets fall.
 */
const queryNamingNoCredential = fc.string({ unit: chars('bcdfghjklmnpqrstvxyzBCDFGHJKLMNPQRSTVXYZ%+[]-_ =&;?./'), maxLength: 60 });

/** A default name spelled in any of the ways that must still match it. */
const credentialName = fc
  .record({
    name: fc.constantFrom(...DEFAULT_REDACT_QUERY_PARAMS),
    flips: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
    escapes: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
    suffix: fc.constantFrom('', '[]', '[0]', '[a][b]', '%5B%5D', '%5b1%5d'),
    before: fc.constantFrom('', '+', '%20'),
    after: fc.constantFrom('', '+', '%20'),
  })
  .map(({ name, flips, escapes, suffix, before, after }) => {
    const spelled = [...name].map((c, i) => {
      const flipped = c === '-' || c === '_' ? (flips[i] ? '-' : '_') : flips[i] ? c.toUpperCase() : c;
      return escapes[i] ? `%${flipped.charCodeAt(0).toString(16)}` : flipped;
    });
    return `${before}${spelled.join('')}${suffix}${after}`;
  });

/** Secrets start with Q, which no other part of the generated queries and lines holds. */
const secret = fc.string({ unit: chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~/=-'), maxLength: 12 }).map((v) => `Q${v}`);

const parameter = fc.oneof(
  fc.record({ name: credentialName, value: secret }).map(({ name, value }) => ({ text: `${name}=${value}`, redacted: `${name}=REDACTED`, pair: true })),
  fc
    .record({
      name: fc.string({ unit: chars('bcdfghjklmnpqrstvxyz-_'), minLength: 1, maxLength: 8 }),
      value: fc.option(fc.string({ unit: chars('abcdefghijklmnopqrstuvwxyz0123456789.~-'), maxLength: 8 })),
    })
    .map(({ name, value }) => {
      const text = value === null ? name : `${name}=${value}`;
      return { text, redacted: text, pair: value !== null };
    }),
);

/**
 * A query of credential and other parameters, and what it must become. `;` comes only before a
 * `name=value`: one before anything else belongs to the value before it.
 */
const query = fc.array(fc.record({ parameter, semicolon: fc.boolean() }), { minLength: 1, maxLength: 8 }).map((parts) => {
  const separator = (i: number) => (i === 0 ? '' : parts[i]?.semicolon && parts[i]?.parameter.pair ? ';' : '&');
  return {
    text: parts.map((p, i) => `${separator(i)}${p.parameter.text}`).join(''),
    redacted: parts.map((p, i) => `${separator(i)}${p.parameter.redacted}`).join(''),
  };
});

const nginxLine = (q: string) => `203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /v1/x?${q} HTTP/1.1" 200 5 "https://app/?${q}" "curl/8.5.0"`;

describe('query redaction properties', () => {
  it('never changes a query that names no credential', () => {
    fc.assert(
      fc.property(queryNamingNoCredential, (q) => {
        expect(redactor.redact(q)).toBe(q);
        expect(samples.redact(nginxLine(q))).toBe(nginxLine(q));
      }),
    );
  });

  it('never changes a query whose names hold none of a configured list', () => {
    const digits = new QueryRedactor(['s3cret', 'tok3n-x', 'k3y[]']);
    const letters = fc.string({ unit: chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%+[]-_ =&;?./'), maxLength: 60 });
    fc.assert(
      fc.property(letters, (q) => {
        expect(digits.redact(q)).toBe(q);
      }),
    );
  });

  it('replaces every value of a configured name, however spelled, and changes nothing else', () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(redactor.redact(q.text)).toBe(q.redacted);
      }),
    );
  });

  it('leaves no part of such a value in a sample cut anywhere, as a line or as JSON', () => {
    fc.assert(
      fc.property(query, (q) => {
        for (const sample of [nginxLine(q.text), JSON.stringify({ request: { uri: `/v1/x?${q.text}`, status: '-' } })]) {
          for (let length = 0; length <= sample.length; length++) expect(samples.redact(sample.slice(0, length))).not.toContain('Q');
        }
      }),
      { numRuns: 50 },
    );
  });

  it('leaves no such value in a query encoded up to three times inside another parameter', () => {
    fc.assert(
      fc.property(query, fc.integer({ min: 1, max: 3 }), fc.constantFrom('/cb?', 'https://app.example/cb?', ''), (q, depth, prefix) => {
        let value = `${prefix}${q.text}`;
        for (let i = 0; i < depth; i++) value = encodeURIComponent(value);
        let out = redactor.redact(`a=1&next=${value}&b=2`);
        for (let i = 0; i < depth; i++) out = decodeURIComponent(out);
        expect(out).not.toContain('Q');
      }),
    );
  });
});
