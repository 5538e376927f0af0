// Turns concrete paths into route templates so /v1/users/123 and /v1/users/456 are one route:
// ids become {id}, {uuid}, {hex}, {token} or {email}. A cap per service keeps a scanner walking
// random paths from blowing up cardinality: routes beyond it fold into /{other}. A cap on services
// does the same for Host headers: services beyond it fold into {other}.

export const OVERFLOW_ROUTE = '/{other}';
/** The service of every request for a service beyond the cap (the Host header is the client's to choose). */
export const OVERFLOW_SERVICE = '{other}';
/** Route of a target that is not a path: "-" (no request line), CONNECT host:port, "*". */
const NO_ROUTE = '-';

const enum Kind {
  Keep = 0,
  Id = 1,
  Uuid = 2,
  Hex = 3,
  Token = 4,
  Email = 5,
}

const PLACEHOLDERS = ['', '{id}', '{uuid}', '{hex}', '{token}', '{email}'] as const;

/** A token needs this many characters; shorter mixed strings are usually names (v2, utf8, h264). */
const TOKEN_MIN_LENGTH = 20;
const HEX_MIN_LENGTH = 8;

function isHexChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isUuid(path: string, start: number, end: number): boolean {
  if (end - start !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = path.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isHexChar(c)) {
      return false;
    }
  }
  return true;
}

/** Set by classifySegment: where the segment it read ends (the next "/" or the end of the path). */
let segmentEnd = 0;

/** Kind of the segment that starts at `start`; reads to the next "/" itself, so no search is needed. */
function classifySegment(path: string, start: number): Kind {
  let digits = 0;
  let hex = 0;
  let letters = 0;
  let tokenChars = 0;
  let at = -1;
  let end = start;
  for (; end < path.length; end++) {
    const c = path.charCodeAt(end);
    if (c === 47) break;
    if (c >= 48 && c <= 57) {
      digits++;
      hex++;
      tokenChars++;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      letters++;
      tokenChars++;
      if (isHexChar(c)) hex++;
    } else if (c === 45 || c === 95 || c === 43 || c === 61 || c === 126) {
      tokenChars++;
    } else if (c === 64 && at === -1) {
      at = end;
    }
  }
  segmentEnd = end;
  const length = end - start;
  if (length === 0) return Kind.Keep;
  if (digits === length) return Kind.Id;
  if (length === 36 && isUuid(path, start, end)) return Kind.Uuid;
  if (hex === length && length >= HEX_MIN_LENGTH && digits > 0) return Kind.Hex;
  if (at > start && path.indexOf('.', at) !== -1 && path.indexOf('.', at) < end - 1) return Kind.Email;
  if (tokenChars === length && length >= TOKEN_MIN_LENGTH && digits > 0 && letters > 0) return Kind.Token;
  return Kind.Keep;
}

/** Copies a string so a long-lived key does not keep the whole log line it was cut from alive. */
function detached(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

export class RouteTemplater {
  private readonly routesByService = new Map<string, Set<string>>();
  /** Most lines in a stream are for the service of the line before. */
  private lastService: string | undefined;
  private lastRoutes: Set<string> | undefined;
  /** The first id the last call replaced; read right after template(). */
  lastObjectId: string | undefined;

  constructor(
    private readonly maxRoutesPerService: number,
    private readonly maxServices: number,
  ) {}

  /**
   * The service as events carry it: itself while fewer than maxServices are tracked or it already
   * is, else OVERFLOW_SERVICE. Call it first and template with what it returns.
   */
  service(name: string): string {
    if (name === this.lastService || name === OVERFLOW_SERVICE) return name;
    if (this.routesByService.has(name)) return name;
    if (this.routesByService.size >= this.maxServices) return OVERFLOW_SERVICE;
    this.routesByService.set(detached(name), new Set());
    return name;
  }

  /** Template of path (no query string) for a service that service() returned; sets lastObjectId. */
  template(service: string, path: string): string {
    this.lastObjectId = undefined;
    if (path.charCodeAt(0) !== 47) return NO_ROUTE;
    return this.admit(service, this.replaceIds(path));
  }

  private replaceIds(path: string): string {
    let out: string | undefined;
    let copied = 0;
    let start = 1;
    while (start <= path.length) {
      const kind = classifySegment(path, start);
      const end = segmentEnd;
      if (kind !== Kind.Keep) {
        if (this.lastObjectId === undefined) this.lastObjectId = path.slice(start, end);
        out = (out ?? '') + path.slice(copied, start) + PLACEHOLDERS[kind];
        copied = end;
      }
      start = end + 1;
    }
    return out === undefined ? path : out + path.slice(copied);
  }

  private admit(service: string, route: string): string {
    let routes = service === this.lastService ? this.lastRoutes : this.routesByService.get(service);
    if (routes === undefined) {
      if (this.service(service) === OVERFLOW_SERVICE) return OVERFLOW_ROUTE;
      routes = this.routesByService.get(service) as Set<string>;
    }
    this.lastService = service;
    this.lastRoutes = routes;
    if (routes.has(route)) return route;
    if (routes.size >= this.maxRoutesPerService) return OVERFLOW_ROUTE;
    routes.add(detached(route));
    return route;
  }
}
