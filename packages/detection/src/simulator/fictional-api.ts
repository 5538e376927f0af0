// The fictional API the simulator serves: services, routes with their latency, size and error
// profiles, and a heavy-tailed (Zipf) population of clients.

export interface RouteProfile {
  service: string;
  method: string;
  route: string;
  /** Share of all traffic. */
  weight: number;
  latencyMedianMs: number;
  bytesMedian: number;
  /** Share of 401s in normal traffic (typos at login, expired tokens elsewhere). */
  authFailureRate: number;
  /** The route template has an {id} segment. */
  hasObjectId: boolean;
}

function route(service: string, method: string, template: string, weight: number, latencyMedianMs: number, bytesMedian: number, authFailureRate = 0.002): RouteProfile {
  return { service, method, route: template, weight, latencyMedianMs, bytesMedian, authFailureRate, hasObjectId: template.includes('{id}') };
}

export const ROUTES: readonly RouteProfile[] = [
  route('shop', 'GET', '/products', 0.2, 40, 12_000),
  route('shop', 'GET', '/products/{id}', 0.12, 25, 4_000),
  route('shop', 'POST', '/cart', 0.05, 60, 800),
  route('shop', 'POST', '/checkout', 0.03, 180, 1_200),
  route('accounts', 'POST', '/login', 0.06, 90, 600, 0.05),
  route('accounts', 'GET', '/users/{id}', 0.1, 20, 1_500),
  route('accounts', 'PUT', '/users/{id}', 0.04, 45, 1_500),
  route('media', 'GET', '/images/{id}', 0.2, 35, 60_000),
  route('media', 'GET', '/downloads/{id}', 0.05, 120, 200_000),
  route('search', 'GET', '/search', 0.15, 70, 8_000),
];

export function findRoute(method: string, template: string): RouteProfile {
  const found = ROUTES.find((r) => r.method === method && r.route === template);
  if (found === undefined) throw new Error(`no simulated route ${method} ${template}`);
  return found;
}

export interface SimulatedClient {
  key: string;
  ip: string;
  id?: string;
  /** Share of all traffic (Zipf). */
  weight: number;
}

const CLIENT_COUNT = 300;
const ZIPF_EXPONENT = 1;

/** Client i: most are API consumers with a key and one IP; every fourth is anonymous (keyed by IP). */
export function makeClients(count = CLIENT_COUNT): SimulatedClient[] {
  const raw = Array.from({ length: count }, (_, i) => 1 / Math.pow(i + 1, ZIPF_EXPONENT));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w, i) => {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.${7 + (i % 50)}`;
    return i % 4 === 3 ? { key: ip, ip, weight: w / total } : { key: `key-${i.toString(36).padStart(3, '0')}`, ip, id: `key-${i.toString(36).padStart(3, '0')}`, weight: w / total };
  });
}
