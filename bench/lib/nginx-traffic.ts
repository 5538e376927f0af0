// Realistic nginx traffic for the benchmarks: the detection package's seeded simulator (Zipf
// clients, weighted routes, log-normal sizes, daily cycle) rendered as nginx "combined" lines, so
// the parser sees the variety a gateway writes and nothing is shaped after a test fixture.

import type { ApiAccessEvent } from '../../packages/contract/src/index';
import { simulateTraffic } from '../../packages/detection/src/simulator/index';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'okhttp/4.12.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'curl/8.5.0',
  'Apache-HttpClient/4.5.14 (Java/17.0.10)',
];
const REFERERS = ['-', '-', '-', 'https://shop.example.com/', 'https://shop.example.com/products?page=2'];
const QUERIES = ['', '', '', '', '?page=2', '?q=red+shoes&sort=price', '?limit=50&offset=100'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** nginx $time_local in UTC: 10/Oct/2024:13:55:36 +0000 */
export function nginxTimeLocal(timeMs: number): string {
  const d = new Date(timeMs);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
}

/** A client keeps one user agent, as a real client does. */
const userAgentByIp = new Map<string, string>();

function userAgentOf(ip: string): string {
  let ua = userAgentByIp.get(ip);
  if (ua === undefined) {
    ua = USER_AGENTS[userAgentByIp.size % USER_AGENTS.length] as string;
    userAgentByIp.set(ip, ua);
  }
  return ua;
}

/** `sequence` (the line number) varies referer and query string deterministically. */
function nginxCombinedLine(event: ApiAccessEvent, sequence: number, timeLocal = nginxTimeLocal(event.time)): string {
  const { client, request, response } = event;
  const query = request.route === '/products' || request.route === '/search' ? (QUERIES[sequence % QUERIES.length] as string) : '';
  const referer = REFERERS[sequence % REFERERS.length] as string;
  return `${client.ip} - - [${timeLocal}] "${request.method} ${request.path}${query} HTTP/1.1" ${response.status} ${response.bytes} "${referer}" "${userAgentOf(client.ip)}"`;
}

export interface TrafficOptions {
  seed?: number;
  /** Epoch ms of the first line. */
  start?: number;
  lines: number;
  requestsPerSecond?: number;
}

/** `lines` nginx combined lines of simulated traffic, newline-terminated, as one buffer. */
export function nginxTraffic(options: TrafficOptions): { buffer: Buffer; lines: string[]; events: ApiAccessEvent[] } {
  const requestsPerSecond = options.requestsPerSecond ?? 20_000;
  const start = options.start ?? Date.UTC(2025, 2, 3, 14, 0, 0);
  const durationMs = Math.ceil((options.lines / requestsPerSecond) * 1.5 + 1) * 1000;
  const lines: string[] = [];
  const events: ApiAccessEvent[] = [];
  let lastSecond = -1;
  let timeLocal = '';
  for (const event of simulateTraffic({ seed: options.seed ?? 9, start, durationMs, requestsPerSecond, rampFactor: 1 })) {
    const second = Math.floor(event.time / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      timeLocal = nginxTimeLocal(event.time);
    }
    lines.push(nginxCombinedLine(event, lines.length, timeLocal));
    events.push(event);
    if (lines.length === options.lines) break;
  }
  if (lines.length < options.lines) throw new Error(`simulator produced ${lines.length} of ${options.lines} lines`);
  return { buffer: Buffer.from(`${lines.join('\n')}\n`), lines, events };
}

let shared: { lines: number; traffic: ReturnType<typeof nginxTraffic> } | undefined;

/** One pool of simulated lines per run, shared by the suites (generating it costs seconds). */
export function sharedNginxTraffic(lines: number): ReturnType<typeof nginxTraffic> {
  if (shared === undefined || shared.lines < lines) shared = { lines, traffic: nginxTraffic({ lines }) };
  return shared.traffic;
}
