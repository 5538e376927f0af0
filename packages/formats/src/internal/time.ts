// Timestamp parsing without regexes: the CLF form nginx and Apache write (`10/Oct/2000:13:55:36 -0700`,
// HAProxy adds `.mmm` and no zone), ISO 8601, and epoch numbers in seconds or milliseconds.

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Month index from the three characters at `at`, without cutting a substring; -1 when unknown. */
function monthAt(s: string, at: number): number {
  for (let m = 0; m < 12; m++) {
    const name = MONTH_NAMES[m] as string;
    if (s.charCodeAt(at) === name.charCodeAt(0) && s.charCodeAt(at + 1) === name.charCodeAt(1) && s.charCodeAt(at + 2) === name.charCodeAt(2)) {
      return m;
    }
  }
  return -1;
}

/** Lines arrive in time order, so the epoch of the last day seen is almost always the next one's. */
let cachedDayKey = -1;
let cachedDayMs = 0;

function dayStartMs(year: number, month: number, day: number): number {
  const key = (year * 12 + month) * 32 + day;
  if (key !== cachedDayKey) {
    cachedDayMs = Date.UTC(year, month, day);
    cachedDayKey = key;
  }
  return cachedDayMs;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Consecutive lines mostly share their second: the character codes of the last timestamp text
 * parsed, and its value. Codes rather than a slice, so the line (or the block it was read from) is
 * not kept alive.
 */
const lastClfCodes = new Uint16Array(64);
let lastClfLength = -1;
let lastClfMs = Number.NaN;

/**
 * Whether s[start, end) is the last timestamp text; compared from the end, where consecutive times
 * differ first. A character loop: faster here than startsWith or a slice compared with ===, and,
 * unlike indexOf, it never reads past the line.
 */
function isLastClfText(s: string, start: number, end: number): boolean {
  if (end - start !== lastClfLength) return false;
  for (let i = lastClfLength - 1; i >= 0; i--) {
    if (s.charCodeAt(start + i) !== lastClfCodes[i]) return false;
  }
  return true;
}

/**
 * Parses `dd/Mon/yyyy:HH:MM:SS[.fff][ ±hhmm]` in s[start, end). A missing zone means UTC (HAProxy
 * logs local time without one; run it in UTC or pass the zone). Returns NaN when malformed.
 */
export function parseClfTime(s: string, start: number, end: number): number {
  if (isLastClfText(s, start, end)) return lastClfMs;
  const ms = parseClfTimeText(s, start, end);
  if (!Number.isNaN(ms) && end - start <= lastClfCodes.length) {
    for (let i = start; i < end; i++) lastClfCodes[i - start] = s.charCodeAt(i);
    lastClfLength = end - start;
    lastClfMs = ms;
  }
  return ms;
}

function parseClfTimeText(s: string, start: number, end: number): number {
  if (end - start < 20 || s.charCodeAt(start + 2) !== 47 || s.charCodeAt(start + 6) !== 47) return Number.NaN;
  const day = digits(s, start, 2);
  const month = monthAt(s, start + 3);
  const year = digits(s, start + 7, 4);
  const hour = digits(s, start + 12, 2);
  const minute = digits(s, start + 15, 2);
  const second = digits(s, start + 18, 2);
  if (month < 0 || day < 1 || day > 31 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return Number.NaN;
  }
  let p = start + 20;
  let millis = 0;
  if (s.charCodeAt(p) === 46) {
    const fracStart = ++p;
    while (p < end && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
    if (p === fracStart) return Number.NaN;
    millis = Math.floor(Number(`0.${s.slice(fracStart, p)}`) * 1000);
  }
  let offsetMinutes = 0;
  if (p < end) {
    if (s.charCodeAt(p) !== 32 || end - p !== 6) return Number.NaN;
    const sign = s.charCodeAt(p + 1);
    const zh = digits(s, p + 2, 2);
    const zm = digits(s, p + 4, 2);
    if ((sign !== 43 && sign !== 45) || zh < 0 || zm < 0) return Number.NaN;
    offsetMinutes = (sign === 45 ? -1 : 1) * (zh * 60 + zm);
  }
  return dayStartMs(year, month, day) + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** Whether an ISO 8601 date-time ends in a zone: `Z`, or an offset after the seconds. */
function hasZone(s: string): boolean {
  const last = s.charCodeAt(s.length - 1);
  return last === 90 || last === 122 || s.indexOf('+', 19) !== -1 || s.indexOf('-', 19) !== -1;
}

/**
 * ISO 8601 / RFC 3339; fractions beyond milliseconds are truncated. A time without a zone is UTC,
 * as the gateways that write one mean it (Envoy's START_TIME, Caddy's wall clock), never the
 * collector's local time. NaN when malformed.
 */
export function parseIsoTime(s: string): number {
  const c = s.charCodeAt(0);
  if (s.length < 10 || c < 48 || c > 57) return Number.NaN;
  return s.length > 10 && !hasZone(s) ? Date.parse(`${s}Z`) : Date.parse(s);
}

/**
 * Epoch seconds (e.g. 1693840791.75), milliseconds, microseconds or nanoseconds (Caddy's
 * `time_format unix_nano`), told apart by magnitude: each unit's values for the years 1973 to 5138
 * fall in a range of their own. Fractions of a ms are dropped, as for ISO times.
 */
export function epochToMs(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return Number.NaN;
  if (n < 1e11) return Math.floor(n * 1000);
  if (n < 1e14) return Math.floor(n);
  return Math.floor(n < 1e17 ? n / 1000 : n / 1_000_000);
}

/**
 * Any time value a JSON log may carry: epoch number or numeric string, ISO 8601, CLF, or
 * `yyyy/mm/dd hh:mm:ss[.fff]` (Caddy's `wall` time formats, written in UTC).
 */
export function parseAnyTime(value: unknown): number {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string' || value === '') return Number.NaN;
  if (value.charCodeAt(2) === 47) return parseClfTime(value, 0, value.length);
  if (value.charCodeAt(4) === 45) return parseIsoTime(value);
  if (value.charCodeAt(4) === 47 && value.charCodeAt(7) === 47) {
    return parseIsoTime(`${value.slice(0, 4)}-${value.slice(5, 7)}-${value.slice(8)}`);
  }
  const n = Number(value);
  return Number.isFinite(n) ? epochToMs(n) : Number.NaN;
}
