// Field builders: each field states its variable, type, default, description, example and
// whether it is secret. The schema is the single source of truth for validation, the printed
// effective config and the README table.

import { isIP } from 'node:net';

export interface Field<T> {
  readonly env: string;
  readonly type: string;
  readonly description: string;
  readonly example: string;
  readonly secret: boolean;
  /** Undefined means required unless `optional`. */
  readonly default: T | undefined;
  readonly optional: boolean;
  /** The variable of the same schema that must be set whenever this one is (a certificate and its key). */
  readonly requires: string | undefined;
  /** The numeric variable of the same schema this one must stay below (a warning score below the critical one). */
  readonly below: string | undefined;
  /** A raw value as `vigil config` and problems may show it: credentials inside it masked (secrets are hidden whole). */
  printable(raw: string): string;
  /** Returns the value, or a problem phrased as "must be …". */
  parse(raw: string): { ok: true; value: T } | { ok: false; problem: string };
}

interface Common<T> {
  env: string;
  description: string;
  example: string;
  default?: T;
  secret?: boolean;
  /** The variable of the same schema that must be set whenever this one is. */
  requires?: string;
  /** The numeric variable of the same schema this one must stay below. */
  below?: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function make<T>(type: string, spec: Common<T>, parse: (raw: string) => Parsed<T>): Field<T> {
  return {
    env: spec.env,
    type,
    description: spec.description,
    example: spec.example,
    secret: spec.secret ?? false,
    default: spec.default,
    optional: false,
    requires: spec.requires,
    below: spec.below,
    printable: (raw) => raw,
    parse,
  };
}

/** Marks a field optional: absent means undefined in the config. */
export function optional<T>(field: Field<T>): Field<T | undefined> {
  return { ...field, optional: true, default: undefined } as Field<T | undefined>;
}

export function string(spec: Common<string> & { pattern?: RegExp; patternProblem?: string }): Field<string> {
  return make('string', spec, (raw) =>
    spec.pattern && !spec.pattern.test(raw)
      ? { ok: false, problem: spec.patternProblem ?? `must match ${spec.pattern}` }
      : { ok: true, value: raw },
  );
}

export function integer(spec: Common<number> & { min?: number; max?: number }): Field<number> {
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const kind = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : 'an integer';
  return make('integer', spec, (raw) => {
    const t = raw.trim();
    if (!/^-?\d+$/.test(t)) return { ok: false, problem: `must be ${kind}` };
    const n = Number(t);
    if (n < min) return { ok: false, problem: `must be ${kind}${min > 1 ? ` of at least ${min}` : ''}` };
    if (n > max) return { ok: false, problem: `must be at most ${max}` };
    return { ok: true, value: n };
  });
}

export function number(spec: Common<number> & { min?: number; max?: number; exclusiveMin?: boolean }): Field<number> {
  return make('number', spec, (raw) => {
    const t = raw.trim();
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) return { ok: false, problem: 'must be a number' };
    if (spec.min !== undefined && (spec.exclusiveMin ? n <= spec.min : n < spec.min)) {
      return { ok: false, problem: `must be ${spec.exclusiveMin ? 'greater than' : 'at least'} ${spec.min}` };
    }
    if (spec.max !== undefined && n > spec.max) return { ok: false, problem: `must be at most ${spec.max}` };
    return { ok: true, value: n };
  });
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

export function boolean(spec: Common<boolean>): Field<boolean> {
  return make('boolean', spec, (raw) => {
    const t = raw.trim().toLowerCase();
    if (TRUE.has(t)) return { ok: true, value: true };
    if (FALSE.has(t)) return { ok: true, value: false };
    return { ok: false, problem: 'must be on or off (true/false, 1/0, yes/no)' };
  });
}

export function oneOf<const V extends string>(spec: Common<V> & { values: readonly V[] }): Field<V> {
  return make(`one of ${spec.values.join(', ')}`, spec, (raw) => {
    const t = raw.trim().toLowerCase() as V;
    return spec.values.includes(t)
      ? { ok: true, value: t }
      : { ok: false, problem: `must be one of ${spec.values.join(', ')}` };
  });
}

/** An IPv4 or IPv6 address to listen on: 0.0.0.0 or :: for every interface, or one of this machine's. */
export function listenAddress(spec: Common<string>): Field<string> {
  return make('IP address', spec, (raw) => {
    const value = raw.trim();
    return isIP(value) === 0
      ? { ok: false, problem: 'must be an IP address of this machine to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one address' }
      : { ok: true, value };
  });
}

/**
 * Comma-separated list; each item is checked by `item` when given. Line breaks separate items too:
 * a list read from a _FILE is mostly written one item per line.
 */
export function list(
  spec: Common<string[]> & { item?: (value: string) => string | undefined; allowEmpty?: boolean },
): Field<string[]> {
  return make('comma-separated list', spec, (raw) => {
    const items = raw
      .split(/[,\r\n]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0 && !spec.allowEmpty) return { ok: false, problem: 'must list at least one value' };
    for (const [index, it] of items.entries()) {
      const problem = spec.item?.(it);
      // A secret item is named by its position: the problem is printed and logged.
      if (problem !== undefined) return { ok: false, problem: `${spec.secret === true ? `item ${index + 1}` : `item "${it}"`} ${problem}` };
    }
    return { ok: true, value: items };
  });
}

/**
 * The problem with a bearer token, if any: a client sends it in an `Authorization: Bearer` header,
 * where whitespace ends it, so a token holding a space or tab could never be matched.
 */
export function bearerTokenProblem(token: string): string | undefined {
  return /\s/.test(token) ? 'holds a space or tab: an Authorization header ends a token there, so no request could present it' : undefined;
}

/** A query part with its value masked; a part without `=` may itself be a token. */
function maskQueryPart(part: string): string {
  const eq = part.indexOf('=');
  if (part === '' || eq === part.length - 1) return part;
  return eq < 0 ? '<secret>' : `${part.slice(0, eq)}=<secret>`;
}

/**
 * A URL with the password of its userinfo and every query value replaced by <secret>: either may
 * be a credential (`https://user:pass@host/hook?token=...`). A value that is not a URL is shown
 * only when it has neither part to hide.
 */
function printableUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return /[@?]/.test(raw) ? '<not shown: not a valid URL, may hold a password>' : raw;
  }
  if (u.password === '' && u.search === '') return raw;
  const login = u.username === '' && u.password === '' ? '' : `${u.username}${u.password === '' ? '' : ':<secret>'}@`;
  const authority = u.href.startsWith(`${u.protocol}//`) ? `//${login}${u.host}` : '';
  const query = u.search === '' ? '' : `?${u.search.slice(1).split('&').map(maskQueryPart).join('&')}`;
  return `${u.protocol}${authority}${u.pathname}${query}${u.hash}`;
}

export function url(spec: Common<string> & { protocols: readonly string[] }): Field<string> {
  const field = make('URL', spec, (raw) => {
    let u: URL;
    try {
      u = new URL(raw.trim());
    } catch {
      return { ok: false, problem: 'must be an absolute URL' };
    }
    if (!spec.protocols.includes(u.protocol.replace(/:$/, ''))) {
      return { ok: false, problem: `must use ${spec.protocols.join(' or ')}` };
    }
    return { ok: true, value: raw.trim() };
  });
  return { ...field, printable: printableUrl };
}

/** host:port items, e.g. Kafka bootstrap brokers. */
export function hostPortProblem(item: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return 'must be host:port';
  return undefined;
}

/**
 * An IPv4 or IPv6 address with a prefix length (`10.0.0.0/8`, `fd00::/8`) or, when `prefix` is
 * 'optional', a bare address too. The address must be one node:net reads (isIP): a pattern let
 * 10.0.0/8 or 1:2:3 through, and net.BlockList or the normalizer then failed at start-up with a
 * message that named no variable.
 */
export function networkProblem(item: string, prefix: 'required' | 'optional'): string | undefined {
  const [address = '', bits, extra] = item.split('/');
  const version = isIP(address);
  const max = version === 6 ? 128 : 32;
  const bitsOk = bits === undefined ? prefix === 'optional' : /^\d{1,3}$/.test(bits);
  if (version !== 0 && bitsOk && extra === undefined) return Number(bits ?? 0) <= max ? undefined : `must have a prefix length of at most ${max}`;
  return prefix === 'required'
    ? 'must be a CIDR such as 10.0.0.0/8 or ::1/128'
    : 'must be an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or fd00::/8';
}
