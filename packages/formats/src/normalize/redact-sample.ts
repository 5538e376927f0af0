// Redacts the sample of a rejected input (a raw line, or a record's JSON text) before it is published
// or printed: input that never became an event never went through query redaction. Samples are often
// cut short, so every rule reads a value cut off by the end of the text as running to it.

import { authorityEnd, CredentialNames, REDACTED, userinfoEnd, type QueryRedactor } from './redact-query';

/** Header fields that carry credentials: redacted as JSON keys whatever the configured query names. */
const CREDENTIAL_FIELDS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
/** Authorization schemes whose credential follows the scheme name: `Bearer x`, `Basic x`. */
const SCHEMES = ['bearer', 'basic'];

const QUOTE = 34;
const HASH = 35;
const AMPERSAND = 38;
const APOSTROPHE = 39;
const OPEN_PARENTHESIS = 40;
const COMMA = 44;
const COLON = 58;
const SEMICOLON = 59;
const LESS_THAN = 60;
const EQUALS = 61;
const GREATER_THAN = 62;
const QUESTION = 63;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
/** `&` as Go's encoding/json writes it inside strings (Traefik, Caddy). */
const ESCAPED_AMPERSAND = '\\u0026';

/** Space, tab, CR or LF: what may stand between a scheme and its credential, or around a JSON colon. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Where a query inside text ends: at whitespace, a quote, a fragment, an escape, an angle bracket,
 * or a `; ` as between cookies (`a=1; session_id=x`), which starts the next one.
 */
function queryEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === QUOTE || c === APOSTROPHE || c === HASH || c === BACKSLASH || c === LESS_THAN || c === GREATER_THAN) return i;
    if (c === SEMICOLON && isSpace(text.charCodeAt(i + 1))) return i;
  }
  return text.length;
}

/** Where a credential after a scheme name ends: at whitespace, a quote, an escape, `,`, `;`, `}` or `]`. */
function credentialEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === QUOTE || c === APOSTROPHE || c === BACKSLASH || c === COMMA || c === SEMICOLON || c === CLOSE_BRACE || c === CLOSE_BRACKET) return i;
  }
  return text.length;
}

/** What may stand before a scheme name: `Authorization: Bearer`, `"Bearer`, `auth=Basic`. */
function isSchemeBoundary(text: string, at: number): boolean {
  if (at === 0) return true;
  const c = text.charCodeAt(at - 1);
  return (
    c <= 32 || c === QUOTE || c === APOSTROPHE || c === COLON || c === EQUALS || c === COMMA || c === OPEN_PARENTHESIS || c === OPEN_BRACKET || c === OPEN_BRACE
  );
}

/**
 * Where the JSON value starting at `from` ends (the end of the text when it is cut short). `quote`
 * is `"`, or `\"` for JSON written as a string inside JSON (a Docker `log` wrapper).
 */
function jsonValueEnd(text: string, from: number, quote: string): number {
  if (text.startsWith(quote, from)) {
    if (quote.length > 1) {
      const close = text.indexOf(quote, from + quote.length);
      return close === -1 ? text.length : close + quote.length;
    }
    for (let i = from + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) return i + 1;
    }
    return text.length;
  }
  const first = text.charCodeAt(from);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let inString = false;
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = !inString;
      else if (!inString && (c === OPEN_BRACE || c === OPEN_BRACKET)) depth++;
      else if (!inString && (c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
    }
    return text.length;
  }
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === QUOTE || c === BACKSLASH) break;
    i++;
  }
  return i;
}

/** A copy of a text with ranges replaced, built left to right. */
class EditedText {
  private out = '';
  private copied = 0;
  private edited = false;

  constructor(private readonly text: string) {}

  replace(from: number, to: number, by: string): void {
    this.out += this.text.slice(this.copied, from) + by;
    this.copied = to;
    this.edited = true;
  }

  result(): string {
    return this.edited ? this.out + this.text.slice(this.copied) : this.text;
  }
}

/**
 * Redacts the userinfo of the URL authority starting at `from` (`http://user:pass@host`); returns
 * where scanning goes on. An authority cut off by the end of the sample before any `@` is redacted
 * whole when a `:` in it is followed by more than a port number: `user:pass` cut before its host.
 */
function redactUserinfoAt(sample: string, from: number, edited: EditedText): number {
  const end = authorityEnd(sample, from);
  const at = userinfoEnd(sample, from, end);
  if (at !== -1) {
    edited.replace(from, at, REDACTED);
    return at;
  }
  const colon = sample.indexOf(':', from);
  if (end === sample.length && colon !== -1 && !/^\d*$/.test(sample.slice(colon + 1))) edited.replace(from, end, REDACTED);
  return end;
}

export class SampleRedactor {
  private readonly fields = new CredentialNames(CREDENTIAL_FIELDS);

  /** Matches query parameters and JSON keys with the query redactor's names. */
  constructor(private readonly queries: QueryRedactor) {}

  /**
   * The sample with credentials replaced by REDACTED, every other character kept: the values of
   * configured query parameters after `?`, `&`, `;` (or `\u0026`), the credential after `Bearer` or
   * `Basic`, the userinfo of a URL (`https://user:pass@host`), and the values of JSON keys naming a
   * credential header or a configured parameter.
   */
  redact(sample: string): string {
    const edited = new EditedText(sample);
    let i = 0;
    while (i < sample.length) {
      const c = sample.charCodeAt(i);
      if (c === QUESTION || c === AMPERSAND) i = this.redactQuery(sample, i + 1, edited);
      // After `;` spaces may come first, as between cookies (`a=1; session_id=x`).
      else if (c === SEMICOLON) i = this.redactQuery(sample, skipSpaces(sample, i + 1), edited);
      else if (c === BACKSLASH && sample.startsWith(ESCAPED_AMPERSAND, i)) i = this.redactQuery(sample, i + ESCAPED_AMPERSAND.length, edited);
      else if (c === QUOTE) i = this.redactField(sample, i, edited);
      else if (c === COLON && sample.startsWith('//', i + 1)) i = redactUserinfoAt(sample, i + 3, edited);
      // `b` or `B`, lower-cased by setting the ASCII case bit.
      else if ((c | 32) === 98 && isSchemeBoundary(sample, i)) i = this.redactCredential(sample, i, edited);
      else i++;
    }
    return edited.result();
  }

  /** Redacts the query starting at `from`; returns where scanning goes on. */
  private redactQuery(sample: string, from: number, edited: EditedText): number {
    const end = queryEnd(sample, from);
    if (end === from) return from;
    const query = sample.slice(from, end);
    const redacted = this.queries.redact(query);
    if (redacted !== query) edited.replace(from, end, redacted);
    return end;
  }

  /** At a `"`: redacts the value when it opens a credential key (`"authorization": ...`). */
  private redactField(sample: string, at: number, edited: EditedText): number {
    const quote = at > 0 && sample.charCodeAt(at - 1) === BACKSLASH ? '\\"' : '"';
    const close = sample.indexOf(quote, at + 1);
    if (close === -1 || sample.charCodeAt(skipSpaces(sample, close + quote.length)) !== COLON) return at + 1;
    if (!this.queries.names.matches(sample, at + 1, close) && !this.fields.matches(sample, at + 1, close)) return at + 1;
    const start = skipSpaces(sample, skipSpaces(sample, close + quote.length) + 1);
    const end = jsonValueEnd(sample, start, quote);
    const value = sample.slice(start, end);
    if (end > start && value !== 'null' && value !== 'true' && value !== 'false') edited.replace(start, end, `${quote}${REDACTED}${quote}`);
    return Math.max(end, at + 1);
  }

  /** At a `b` or `B`: redacts the credential when it starts `Bearer ` or `Basic `. */
  private redactCredential(sample: string, at: number, edited: EditedText): number {
    for (const scheme of SCHEMES) {
      const after = at + scheme.length;
      if (!isSpace(sample.charCodeAt(after)) || sample.slice(at, after).toLowerCase() !== scheme) continue;
      const start = skipSpaces(sample, after);
      const end = credentialEnd(sample, start);
      if (end === start) return start;
      edited.replace(start, end, REDACTED);
      return end;
    }
    return at + 1;
  }
}
