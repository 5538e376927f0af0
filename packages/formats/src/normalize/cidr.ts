// IP addresses and CIDR ranges for IPv4 and IPv6, as 16-byte values (IPv4 as ::ffff:a.b.c.d, so a
// v4 range also matches the v4-mapped form a dual-stack socket reports).

import { VigilError } from '@vigil/contract';

function parseIPv4Into(s: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i === s.length ? 46 : s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255 || part > 3) return false;
      out[offset + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48);
      digits++;
    } else {
      return false;
    }
  }
  return part === 4;
}

function parseGroups(s: string, into: number[]): boolean {
  if (s === '') return true;
  for (const g of s.split(':')) {
    if (g.length < 1 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return false;
    into.push(Number.parseInt(g, 16));
  }
  return true;
}

function parseIPv6(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  let text = s;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  let tailV4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) !== -1) {
    tailV4 = new Uint8Array(4);
    if (!parseIPv4Into(text.slice(lastColon + 1), tailV4, 0)) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  if (!parseGroups(halves[0] ?? '', head) || !parseGroups(halves[1] ?? '', tail)) return undefined;
  const groups = head.length + tail.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return undefined;
  head.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  tail.forEach((g, i) => {
    const at = 16 - (tail.length - i) * 2;
    out[at] = g >> 8;
    out[at + 1] = g & 0xff;
  });
  if (tailV4) out.set(tailV4, 12);
  return out;
}

/** 16-byte form of an IPv4 or IPv6 address; undefined when it is neither. */
export function parseIp(s: string): Uint8Array | undefined {
  if (s.indexOf(':') === -1) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    return parseIPv4Into(s, out, 12) ? out : undefined;
  }
  return parseIPv6(s);
}

/**
 * Strips what gateways wrap around an address: `[v6]:port`, `[v6]`, `v4:port`, `tcp://` and spaces,
 * and writes an IPv4-mapped IPv6 address (`::ffff:203.0.113.7`, what a dual-stack listener reports
 * for an IPv4 peer) as the IPv4 address it is, so one client is one client whichever socket it
 * reached. Returns the input itself when there is nothing to change.
 */
export function bareIp(value: string): string {
  let s = value;
  if (s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32) s = s.trim();
  // The first character decides most addresses without a call to startsWith.
  if (s.charCodeAt(0) === 116 && s.startsWith('tcp://')) s = s.slice(6);
  if (s.charCodeAt(0) === 91) {
    const close = s.indexOf(']');
    return unmappedIPv4(close === -1 ? s : s.slice(1, close));
  }
  const colon = s.indexOf(':');
  if (colon === -1) return s;
  if (colon === s.lastIndexOf(':')) return s.slice(0, colon);
  return unmappedIPv4(s);
}

/**
 * The IPv4 address an IPv4-mapped IPv6 address holds (`::ffff:203.0.113.7`, `::FFFF:cb00:7107`,
 * `0:0:0:0:0:ffff:…`), else s itself. Only a text starting with `:` or `0` can be one, so other
 * IPv6 addresses cost one character check.
 */
function unmappedIPv4(s: string): string {
  const first = s.charCodeAt(0);
  if (first !== 58 && first !== 48) return s;
  const bytes = parseIPv6(s);
  if (bytes === undefined || bytes[10] !== 0xff || bytes[11] !== 0xff) return s;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return s;
  return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
}

interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  const isV4 = address.indexOf(':') === -1;
  const max = isV4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  return { bytes, prefix: isV4 ? prefix + 96 : prefix };
}

/** Why a CIDR string is invalid, or undefined when it is fine (config validation reuses this). */
export function cidrProblem(text: string): string | undefined {
  return parseCidr(text.trim()) ? undefined : 'must be an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or fd00::/8';
}

function matches(ip: Uint8Array, cidr: Cidr): boolean {
  const full = cidr.prefix >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip[full] as number) & mask) === ((cidr.bytes[full] as number) & mask);
}

const MEMO_LIMIT = 4096;

/** A set of CIDR ranges; membership answers are memoised because peers repeat. */
export class CidrSet {
  private readonly ranges: Cidr[];
  private readonly memo = new Map<string, boolean>();

  constructor(cidrs: readonly string[]) {
    this.ranges = cidrs.map((text) => {
      const cidr = parseCidr(text.trim());
      if (!cidr) throw new VigilError('VIGIL_CONFIG_INVALID', `trusted proxy "${text}" ${cidrProblem(text)}`);
      return cidr;
    });
  }

  get size(): number {
    return this.ranges.length;
  }

  has(ip: string): boolean {
    if (this.ranges.length === 0) return false;
    const known = this.memo.get(ip);
    if (known !== undefined) return known;
    const bytes = parseIp(ip);
    const found = bytes !== undefined && this.ranges.some((r) => matches(bytes, r));
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(ip, found);
    return found;
  }
}
