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

/** The form both sides of a match are compared in: decoded, lower case, no `[...]` or spaces, `_` for `-`. */
function canonicalName(name: string): string {
  const decoded = name.includes('%') || name.includes('+') ? percentDecoded(name.replace(/\+/g, ' ')) : name;
  let canonical = decoded.toLowerCase().trim();
  const bracket = canonical.indexOf('[');
  if (bracket !== -1 && canonical.endsWith(']')) canonical = canonical.slice(0, bracket).trim();
  return canonical.replace(/-/g, '_');
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
    this.canonical = new Set(names.map(canonicalName).filter((name) => name !== ''));
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
      if (c === PERCENT || c === PLUS || c === OPEN_BRACKET || c <= 32 || c >= 127) return this.canonical.has(canonicalName(text.slice(start, end)));
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
   */
  redact(query: string): string {
    if (this.names.isEmpty) return query;
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
      }
      start = end + 1;
    }
    return redacted === undefined ? query : redacted + query.slice(copied);
  }
}
