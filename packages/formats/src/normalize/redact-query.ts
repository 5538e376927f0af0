// Replaces the values of credential-bearing query parameters with REDACTED before anything leaves
// the collector. Names match case-insensitively, percent-encoded names included.

export const DEFAULT_REDACT_QUERY_PARAMS = [
  'token', 'api_key', 'apikey', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'password',
  'passwd', 'pwd', 'secret', 'signature', 'sig', 'key', 'auth', 'x-amz-signature', 'x-amz-credential',
  'x-amz-security-token',
] as const;

const REDACTED = 'REDACTED';

function decodeName(name: string): string {
  if (name.indexOf('%') === -1 && name.indexOf('+') === -1) return name.toLowerCase();
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

export class QueryRedactor {
  private readonly names: Set<string>;

  constructor(names: readonly string[]) {
    this.names = new Set(names.map((n) => n.toLowerCase()));
  }

  /** Returns query itself when nothing needs redacting (no allocation on the common path). */
  redact(query: string): string {
    if (this.names.size === 0) return query;
    let out: string[] | undefined;
    let start = 0;
    while (start <= query.length) {
      let end = query.indexOf('&', start);
      if (end === -1) end = query.length;
      const eq = query.indexOf('=', start);
      if (eq !== -1 && eq < end && this.names.has(decodeName(query.slice(start, eq)))) {
        out ??= start === 0 ? [] : query.slice(0, start - 1).split('&');
        out.push(`${query.slice(start, eq)}=${REDACTED}`);
      } else if (out) {
        out.push(query.slice(start, end));
      }
      start = end + 1;
    }
    return out ? out.join('&') : query;
  }
}
