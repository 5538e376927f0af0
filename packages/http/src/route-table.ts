// Which handler answers a method and path: exact paths first, then the longest '/*' prefix.
// Pure, so routing is tested without a socket.
import { VigilError } from '@vigil/contract';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type RouteMatch<H> =
  | { kind: 'found'; handler: H; pattern: string }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; pattern: string; allow: RouteMethod[] };

interface Route<H> {
  pattern: string;
  handlers: Map<RouteMethod, H>;
}

export class RouteTable<H> {
  private readonly exact = new Map<string, Route<H>>();
  /** Keyed by the prefix including its trailing '/', e.g. '/api/silences/'. */
  private readonly prefixes = new Map<string, Route<H>>();

  /** `path` is an exact path, or a prefix ending in '/*' that matches everything below it. */
  add(method: RouteMethod, path: string, handler: H): void {
    if (!path.startsWith('/')) {
      throw new VigilError('VIGIL_CONFIG_INVALID', `HTTP route "${path}" must start with "/", e.g. /v1/logs`);
    }
    const isPrefix = path.endsWith('/*');
    const table = isPrefix ? this.prefixes : this.exact;
    const key = isPrefix ? path.slice(0, -1) : path;
    const route = table.get(key) ?? { pattern: path, handlers: new Map<RouteMethod, H>() };
    if (route.handlers.has(method)) {
      throw new VigilError('VIGIL_CONFIG_INVALID', `HTTP route ${method} ${path} is registered twice; two services claim it`);
    }
    route.handlers.set(method, handler);
    table.set(key, route);
  }

  match(method: string, pathname: string): RouteMatch<H> {
    const route = this.exact.get(pathname) ?? this.longestPrefix(pathname);
    if (route === undefined) return { kind: 'not_found' };
    const handler = route.handlers.get(method as RouteMethod);
    if (handler === undefined) {
      return { kind: 'method_not_allowed', pattern: route.pattern, allow: [...route.handlers.keys()].sort() };
    }
    return { kind: 'found', handler, pattern: route.pattern };
  }

  private longestPrefix(pathname: string): Route<H> | undefined {
    let best: { length: number; route: Route<H> } | undefined;
    for (const [prefix, route] of this.prefixes) {
      if (pathname.startsWith(prefix) && (best === undefined || prefix.length > best.length)) {
        best = { length: prefix.length, route };
      }
    }
    return best?.route;
  }
}
