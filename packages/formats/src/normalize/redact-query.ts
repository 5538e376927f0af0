// Replaces the values of credential-bearing query parameters with REDACTED before anything leaves
// the collector. A name matches a configured one whatever its spelling: case, percent-encoding,
// a trailing `[]` or `[...]`, surrounding spaces (`token+=`) and `-` for `_` (`api-key` is `api_key`).

/**
 * Names whose values are credentials: tokens, keys, session ids and the signing parameters of
 * presigned URLs (S3 v4 and v2, Google Cloud Storage). Left out on purpose, since they commonly carry
 * data that is not secret and redacting them would hide what an operator reads a query for: `sid`
 * (also a source, site or subscriber id in tracking links, and Twilio account ids), `code` (also
 * country, product, promo and error codes; an OAuth authorization code is single-use, expires within
 * minutes and is redeemed only with the client's own secret or PKCE verifier, and a code replayed
 * after its redemption revokes the tokens it gave) and `state` (an OAuth CSRF nonce). Add them to
 * VIGIL_REDACT_QUERY_PARAMS where they do carry secrets.
 */
export const DEFAULT_REDACT_QUERY_PARAMS = [
  'token', 'api_key', 'apikey', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'password',
  'passwd', 'pwd', 'secret', 'signature', 'sig', 'key', 'auth', 'x-amz-signature', 'x-amz-credential',
  'x-amz-security-token', 'x-api-key', 'auth_token', 'authorization', 'jwt', 'private_token', 'access_key',
  'secret_key', 'session_token', 'session_id', 'sessionid', 'jsessionid', 'phpsessid', 'awsaccesskeyid',
  'x-goog-signature', 'x-goog-credential',
] as const;

export const REDACTED = 'REDACTED';

const PERCENT = 37;
const PLUS = 43;
const HYPHEN = 45;
const UNDERSCORE = 95;
const OPEN_BRACKET = 91;
const EQUALS = 61;
const AMPERSAND = 38;
const SEMICOLON = 59;
const QUESTION = 63;

/** Percent-decoded; a malformed sequence (`%zz`, a lone byte of UTF-8) leaves the others decoded. */
function percentDecoded(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

/** Decoded, lower case, no surrounding spaces, `_` for `-`: the form both sides of a match are compared in. */
function canonicalName(name: string): string {
  const decoded = name.includes('%') || name.includes('+') ? percentDecoded(name.replace(/\+/g, ' ')) : name;
  return decoded.toLowerCase().trim().replace(/-/g, '_');
}

/**
 * The names a parameter is matched by: its own name without a trailing `[]` or `[...]`, and the last
 * key inside the brackets, so `token[]` and `api_key[x]` match as `token` and `api_key`, and
 * `user[password]` as `password`.
 */
function canonicalNames(name: string): string[] {
  const canonical = canonicalName(name);
  const bracket = canonical.indexOf('[');
  if (bracket === -1 || !canonical.endsWith(']')) return [canonical];
  const base = canonical.slice(0, bracket).trim();
  const lastKey = canonical.slice(canonical.lastIndexOf('[') + 1, -1).trim();
  return lastKey === '' ? [base] : [base, lastKey];
}

/** Whether text[start, start + canonical.length) is `canonical` once ASCII is lower-cased and `-` read as `_`. */
function equalsCanonical(text: string, start: number, canonical: string): boolean {
  for (let i = 0; i < canonical.length; i++) {
    let c = text.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c += 32;
    else if (c === HYPHEN) c = UNDERSCORE;
    if (c !== canonical.charCodeAt(i)) return false;
  }
  return true;
}

/** A set of credential names, matched in canonical form (canonicalName). */
export class CredentialNames {
  private readonly canonical: Set<string>;
  /** Canonical names by length: a plain name is compared in place against those of its length. */
  private readonly byLength: (string[] | undefined)[] = [];

  constructor(names: readonly string[]) {
    this.canonical = new Set(names.map((name) => canonicalNames(name)[0] as string).filter((name) => name !== ''));
    for (const name of this.canonical) (this.byLength[name.length] ??= []).push(name);
  }

  get isEmpty(): boolean {
    return this.canonical.size === 0;
  }

  /**
   * Whether text[start, end) names a credential. A plain name (no `%`, `+`, `[`, space or non-ASCII
   * character), nearly every name, is compared in place without allocating.
   */
  matches(text: string, start: number, end: number): boolean {
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === PERCENT || c === PLUS || c === OPEN_BRACKET || c <= 32 || c >= 127) return canonicalNames(text.slice(start, end)).some((name) => this.canonical.has(name));
    }
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return false;
    for (let i = 0; i < candidates.length; i++) if (equalsCanonical(text, start, candidates[i] as string)) return true;
    return false;
  }
}

/** `&` separates parameters; `;` (`a=1;b=2`) and `?` (a URL left unencoded in a value) do too. */
function isSeparator(c: number): boolean {
  return c === AMPERSAND || c === SEMICOLON || c === QUESTION;
}

/** Whether a `name=` follows at `from` before the next separator. */
function startsParameter(query: string, from: number): boolean {
  for (let i = from; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === EQUALS) return i > from;
    if (isSeparator(c)) return false;
  }
  return false;
}

/**
 * Where the value starting at `from` ends: at the next `&`, or at a `;` or `?` that starts another
 * parameter (`a=1;token=x`, `next=/cb?token=x`). One followed by no `name=` stays part of the value
 * (`q=a;b`, `q=why?`), so a credential holding one is replaced whole.
 */
function valueEnd(query: string, from: number): number {
  for (let i = from; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === AMPERSAND || ((c === SEMICOLON || c === QUESTION) && startsParameter(query, i + 1))) return i;
  }
  return query.length;
}

export class QueryRedactor {
  readonly names: CredentialNames;

  constructor(names: readonly string[]) {
    this.names = new CredentialNames(names);
  }

  /**
   * The query with the value of every credential parameter replaced by REDACTED, and every other
   * character as it was. Returns query itself when nothing needs redacting, without allocating.
   * A value that is itself a percent-encoded query or URL (`next=%2Fcb%3Ftoken%3Dx`, as login
   * redirects carry) is decoded and redacted too; when that finds a credential, the value is
   * written back encoded (encodeURIComponent), the one case where other characters may change.
   */
  redact(query: string, depth = 0): string {
    if (this.names.isEmpty) return query;
    const nested = depth < MAX_NESTED_QUERIES && hasEncodedEquals(query);
    let redacted: string | undefined;
    let copied = 0;
    let start = 0;
    while (start < query.length) {
      let eq = start;
      let c = 0;
      while (eq < query.length && (c = query.charCodeAt(eq)) !== EQUALS && !isSeparator(c)) eq++;
      if (eq === query.length || c !== EQUALS) {
        start = eq + 1;
        continue;
      }
      const end = valueEnd(query, eq + 1);
      if (this.names.matches(query, start, eq)) {
        redacted = `${redacted ?? ''}${query.slice(copied, eq + 1)}${REDACTED}`;
        copied = end;
      } else if (nested) {
        const value = query.slice(eq + 1, end);
        const inner = hasEncodedEquals(value) ? this.redactEncoded(value, depth + 1) : value;
        if (inner !== value) {
          redacted = `${redacted ?? ''}${query.slice(copied, eq + 1)}${inner}`;
          copied = end;
        }
      }
      start = end + 1;
    }
    return redacted === undefined ? query : redacted + query.slice(copied);
  }

  /** A percent-encoded value with its credentials redacted, re-encoded; the value itself when it holds none. */
  private redactEncoded(value: string, depth: number): string {
    const decoded = percentDecoded(value);
    // Still encoded and no `=` of its own: a whole query encoded once more (`%253D`).
    const encodedAgain = depth < MAX_NESTED_QUERIES && !decoded.includes('=') && hasEncodedEquals(decoded);
    const redacted = encodedAgain ? this.redactEncoded(decoded, depth + 1) : this.redact(decoded, depth);
    return redacted === decoded ? value : encodeURIComponent(redacted);
  }

  /**
   * The path with the values of credential path parameters replaced (`/cart;jsessionid=X`, as Java
   * servlet containers write session ids into URLs): each segment's text after its `;` is read as
   * a query. Returns path itself when nothing needs redacting.
   */
  redactPath(path: string): string {
    let semicolon = path.indexOf(';');
    if (semicolon === -1 || this.names.isEmpty) return path;
    let redacted = '';
    let copied = 0;
    while (semicolon !== -1) {
      let end = path.indexOf('/', semicolon);
      if (end === -1) end = path.length;
      const parameters = path.slice(semicolon + 1, end);
      const clean = this.redact(parameters);
      if (clean !== parameters) {
        redacted += path.slice(copied, semicolon + 1) + clean;
        copied = end;
      }
      semicolon = path.indexOf(';', end);
    }
    return copied === 0 ? path : redacted + path.slice(copied);
  }
}

const SLASH = 47;
const HASH = 35;
const QUOTE = 34;
const APOSTROPHE = 39;
const BACKSLASH = 92;
const LESS_THAN = 60;
const GREATER_THAN = 62;

/**
 * Where the URL authority starting at `from` (just after `://`) ends: at `/`, `?`, `#`, whitespace,
 * a quote, an escape or an angle bracket, or at the end of the text (a sample cut short).
 */
export function authorityEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === SLASH || c === QUESTION || c === HASH || c === QUOTE || c === APOSTROPHE || c === BACKSLASH || c === LESS_THAN || c === GREATER_THAN) return i;
  }
  return text.length;
}

/** The index of the `@` ending the userinfo of the authority text[from, end), or -1 when it has none. */
export function userinfoEnd(text: string, from: number, end: number): number {
  const at = text.lastIndexOf('@', end - 1);
  return at >= from ? at : -1;
}

/** How deep values holding encoded queries are followed (`%253D` is an `=` encoded twice). */
const MAX_NESTED_QUERIES = 3;

/** Whether text holds `%3D` (an encoded `=`), or `%253D` and so on (encoded again), in any case: a sign of an encoded query inside. */
function hasEncodedEquals(text: string): boolean {
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', i + 1)) {
    let at = i + 1;
    while (text.startsWith('25', at)) at += 2;
    if (text.charCodeAt(at) === 51 && (text.charCodeAt(at + 1) | 32) === 100) return true;
  }
  return false;
}
