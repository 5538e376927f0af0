// Turns concrete paths into route templates so /v1/users/123 and /v1/users/456 are one route:
// ids become {id}, {uuid}, {hex}, {token} or {email}. A cap per service keeps a scanner walking
// random paths from blowing up cardinality: routes beyond it fold into /{other}. Once a service's
// routes fill half the cap, a path the gateway answered as no such route (404, 405, 400, 414) is
// no longer admitted as a new one, so scanners' one-off paths cannot fill the cap and fold the
// service's real routes, seen later, into /{other}. A cap on services does the same for Host
// headers: services beyond it fold into {other}.

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
/** Set by classifySegment: a hash of the segment's text, to find it among a route node's children. */
let segmentHash = 0;

/**
 * A multiplier for the segment hash, odd and drawn per templater: segment texts come from clients,
 * and a fixed multiplier would let one craft many segments with the same hash.
 */
function randomHashMultiplier(): number {
  return (Math.floor(Math.random() * 0x3fffffff) * 2 + 1) | 0;
}

/** Kind of the segment that starts at `start`; reads to the next "/" itself, so no search is needed. */
function classifySegment(path: string, start: number, multiplier: number): Kind {
  let digits = 0;
  let hex = 0;
  let letters = 0;
  let tokenChars = 0;
  let at = -1;
  let hash = 0;
  let end = start;
  for (; end < path.length; end++) {
    const c = path.charCodeAt(end);
    if (c === 47) break;
    hash = (Math.imul(hash, multiplier) + c) | 0;
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
  segmentHash = hash;
  const length = end - start;
  if (length === 0) return Kind.Keep;
  if (digits === length) return Kind.Id;
  if (length === 36 && isUuid(path, start, end)) return Kind.Uuid;
  if (hex === length && length >= HEX_MIN_LENGTH && digits > 0) return Kind.Hex;
  if (at > start && path.indexOf('.', at) !== -1 && path.indexOf('.', at) < end - 1) return Kind.Email;
  if (tokenChars === length && length >= TOKEN_MIN_LENGTH && digits > 0 && letters > 0) return Kind.Token;
  return Kind.Keep;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * path with percent-encoded unreserved characters (letters, digits, `-`, `.`, `_`, `~`) decoded:
 * RFC 3986 makes `/users/%34%32` the same path as `/users/42`, so a client encoding an id would
 * otherwise hide it from the templater (no `{id}`, no object id, a new route per id). Other
 * escapes (`%2F`, `%20`, UTF-8 bytes) stay as they are: decoding them would change the path.
 */
function decodeUnreserved(path: string): string {
  let out = '';
  let copied = 0;
  for (let at = path.indexOf('%'); at !== -1 && at + 2 < path.length; at = path.indexOf('%', at + 1)) {
    const high = hexValue(path.charCodeAt(at + 1));
    const low = hexValue(path.charCodeAt(at + 2));
    if (high < 0 || low < 0) continue;
    const c = high * 16 + low;
    const unreserved = (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 45 || c === 46 || c === 95 || c === 126;
    if (!unreserved) continue;
    out += path.slice(copied, at) + String.fromCharCode(c);
    copied = at + 3;
  }
  return copied === 0 ? path : out + path.slice(copied);
}

/** Whether path[start, end) is `text`. */
function isTextAt(text: string, path: string, start: number, end: number): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (path.charCodeAt(start + i) !== text.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * One segment of the admitted routes of a service: the routes form a tree from "/", a literal
 * segment found by its hash and text, an id by its kind. A path is templated by walking it once,
 * and a route already admitted comes back as the string stored for it, with no new string built.
 * Only admitted routes have nodes, so the tree is bounded by the route cap.
 */
class RouteNode {
  /** The admitted route that ends at this node. */
  route: string | undefined;
  private literals: Map<number, RouteNode> | undefined;
  private ids: Array<RouteNode | undefined> | undefined;
  /** Another child of the same parent whose text has the same hash. */
  private sameHash: RouteNode | undefined;

  constructor(private readonly text: string) {}

  /** The child for path[start, end), of `kind` and, when literal, with hash `hash`. */
  child(kind: Kind, hash: number, path: string, start: number, end: number): RouteNode | undefined {
    if (kind !== Kind.Keep) return this.ids?.[kind];
    let node = this.literals?.get(hash);
    while (node !== undefined && !isTextAt(node.text, path, start, end)) node = node.sameHash;
    return node;
  }

  addChild(kind: Kind, hash: number, path: string, start: number, end: number): RouteNode {
    const existing = this.child(kind, hash, path, start, end);
    if (existing !== undefined) return existing;
    if (kind !== Kind.Keep) {
      const node = new RouteNode('');
      (this.ids ??= [])[kind] = node;
      return node;
    }
    const node = new RouteNode(detached(path.slice(start, end)));
    this.literals ??= new Map();
    node.sameHash = this.literals.get(hash);
    this.literals.set(hash, node);
    return node;
  }
}

interface ServiceRoutes {
  /** Every route admitted for the service: what the cap counts. */
  routes: Set<string>;
  tree: RouteNode;
  /** Segments of the admitted routes, each walked into the tree once. */
  nodes: number;
}

/** Copies a string so a long-lived key does not keep the whole log line it was cut from alive. */
function detached(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

export class RouteTemplater {
  private readonly byService = new Map<string, ServiceRoutes>();
  /** Most lines in a stream are for the service of the line before. */
  private lastService: string | undefined;
  private lastRoutes: ServiceRoutes | undefined;
  /** The first id the last call replaced; read right after template(). */
  lastObjectId: string | undefined;

  /**
   * `maxRouteLength` bounds what one admitted route costs: the route count is capped, but a path
   * can be as long as a log line. `hashMultiplier` is for tests that need segments whose hashes collide.
   */
  constructor(
    private readonly maxRoutesPerService: number,
    private readonly maxServices: number,
    private readonly maxRouteLength = Number.POSITIVE_INFINITY,
    private readonly hashMultiplier = randomHashMultiplier(),
  ) {}

  /**
   * The service as events carry it: itself while fewer than maxServices are tracked or it already
   * is, else OVERFLOW_SERVICE. Call it first and template with what it returns.
   */
  service(name: string): string {
    if (name === this.lastService || name === OVERFLOW_SERVICE) return name;
    if (this.byService.has(name)) return name;
    if (this.byService.size >= this.maxServices) return OVERFLOW_SERVICE;
    this.byService.set(detached(name), { routes: new Set(), tree: new RouteNode(''), nodes: 0 });
    return name;
  }

  /**
   * Template of path (no query string) for a service that service() returned; sets lastObjectId.
   * `admitNew` false (a response saying there is no such route) admits no new route once the
   * service's routes fill half the cap.
   */
  template(service: string, loggedPath: string, admitNew = true): string {
    this.lastObjectId = undefined;
    if (loggedPath.charCodeAt(0) !== 47) return NO_ROUTE;
    const path = loggedPath.indexOf('%') === -1 ? loggedPath : decodeUnreserved(loggedPath);
    let routes = service === this.lastService ? this.lastRoutes : this.byService.get(service);
    if (routes === undefined) {
      if (this.service(service) === OVERFLOW_SERVICE) {
        this.replaceIds(path); // the object id still counts
        return OVERFLOW_ROUTE;
      }
      routes = this.byService.get(service) as ServiceRoutes;
    }
    this.lastService = service;
    this.lastRoutes = routes;
    return this.known(routes.tree, path) ?? this.admit(routes, path, this.replaceIds(path), admitNew);
  }

  /** The admitted route of path, found by walking the tree once; undefined when it has none yet. */
  private known(tree: RouteNode, path: string): string | undefined {
    let node: RouteNode | undefined = tree;
    let idStart = -1;
    let idEnd = -1;
    for (let start = 1; ; ) {
      const kind = classifySegment(path, start, this.hashMultiplier);
      const end = segmentEnd;
      node = node.child(kind, segmentHash, path, start, end);
      if (node === undefined) return undefined;
      if (kind !== Kind.Keep && idStart === -1) {
        idStart = start;
        idEnd = end;
      }
      if (end === path.length) break;
      start = end + 1;
    }
    if (node.route === undefined) return undefined;
    if (idStart !== -1) this.lastObjectId = path.slice(idStart, idEnd);
    return node.route;
  }

  private replaceIds(path: string): string {
    let out: string | undefined;
    let copied = 0;
    let start = 1;
    while (start <= path.length) {
      const kind = classifySegment(path, start, this.hashMultiplier);
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

  /**
   * Counts a route the tree did not know against the cap, and adds path's way to it to the tree.
   * Only a newly admitted route adds nodes: a route already counted but reached another way (a
   * literal "{id}" segment where an id was before, or the reverse) is answered from the set, as
   * every mix of the two in a long path would otherwise add nodes without adding a route.
   */
  private admit(routes: ServiceRoutes, path: string, route: string, admitNew: boolean): string {
    if (routes.routes.has(route)) return route;
    const admitted = routes.routes.size;
    if (admitted >= this.maxRoutesPerService || (!admitNew && admitted * 2 >= this.maxRoutesPerService)) return OVERFLOW_ROUTE;
    if (route.length > this.maxRouteLength) return OVERFLOW_ROUTE;
    const stored = detached(route);
    routes.routes.add(stored);
    let node = routes.tree;
    for (let start = 1; ; ) {
      const kind = classifySegment(path, start, this.hashMultiplier);
      const end = segmentEnd;
      node = node.addChild(kind, segmentHash, path, start, end);
      routes.nodes++;
      if (end === path.length) break;
      start = end + 1;
    }
    node.route = stored;
    return route;
  }

  /** Segments of the service's admitted routes: a bound on the nodes of its route tree. */
  routeSegments(service: string): number {
    return this.byService.get(service)?.nodes ?? 0;
  }
}
