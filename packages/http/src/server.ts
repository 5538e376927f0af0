// The one HTTP server of a Vigil process. Services register routes; the server adds /healthz,
// /readyz and /metrics, maps thrown VigilErrors to statuses, counts requests by route and waits
// for in-flight requests on close.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { VigilError } from '@vigil/contract';
import { HTTP_METRICS, WarningThrottle } from '@vigil/telemetry';
import type { Counter, Logger, Telemetry } from '@vigil/telemetry';
import { AuthFailureLimit, DEFAULT_AUTH_FAILURE_LIMIT, type AuthFailureLimitOptions } from './auth-failure-limit';
import { bearerToken, tokenMatches } from './bearer-token';
import { closingUnlessRead, errorResponse } from './error-response';
import { listenProblem } from './listen-problem';
import { RouteTable } from './route-table';
import type { RouteMethod } from './route-table';
import { sendJson } from './send-json';
import { readTlsFiles, reloadTlsOnChange, type TlsFiles } from './tls-files';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
export type ReadinessCheck = () => true | string;

export interface VigilHttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  telemetry: Telemetry;
  /** When non-empty, GET /metrics needs `Authorization: Bearer <one of these>`. */
  metricsTokens?: string[];
  /** Requests without a valid token one client address may make before getting 429; default 10 a minute, 5 at once. */
  authFailureLimit?: AuthFailureLimitOptions;
  /** Serve HTTPS with these files, read again when they change. */
  tls?: TlsFiles;
  /** How often the TLS files are checked for a renewal; default 60 s. */
  tlsReloadIntervalMs?: number;
  /** Most connections open at once; more are closed on arrival and counted. Default: no limit. */
  maxConnections?: number;
  /** Most connections open at once from one address; more are closed on arrival and counted. Default: no limit. */
  maxConnectionsPerAddress?: number;
  /** Longest wait for a whole request (headers and body); default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Longest wait for the request headers; default 10 s. A new connection (after its TLS handshake,
   * which has the same limit) must deliver its first request's headers within it too.
   */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open; default 5 s. */
  keepAliveTimeoutMs?: number;
  /** How long close() waits for in-flight requests before cutting their connections; default 10 s. */
  closeGraceMs?: number;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class VigilHttpServer {
  private readonly routes = new RouteTable<Handler>();
  private readonly readinessChecks = new Map<string, ReadinessCheck>();
  private readonly requests: Counter;
  private readonly droppedConnections: Counter;
  /** Shared by every route that checks a token, so failures on any of them count against one address. */
  readonly authFailures: AuthFailureLimit;
  /** Warnings of each limit's drops, by its variable: at most one a minute. */
  private readonly dropWarnings = new WarningThrottle();
  /** Open connections by remote address, while maxConnectionsPerAddress is set. */
  private readonly openByAddress = new Map<string, number>();
  /** Connections that have not sent a whole request head yet, with the timer that closes them. */
  private readonly awaitingFirstRequest = new WeakMap<Socket, NodeJS.Timeout>();
  private server: Server | undefined;
  private stopTlsReload: (() => void) | undefined;
  private closing = false;

  constructor(private readonly options: VigilHttpServerOptions) {
    this.requests = options.telemetry.counter(HTTP_METRICS.requests.name, HTTP_METRICS.requests.description);
    this.droppedConnections = options.telemetry.counter(HTTP_METRICS.connectionsDropped.name, HTTP_METRICS.connectionsDropped.description);
    this.authFailures = new AuthFailureLimit(
      options.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT,
      options.telemetry.counter(HTTP_METRICS.authFailuresLimited.name, HTTP_METRICS.authFailuresLimited.description),
      options.logger,
    );
    this.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
    this.route('GET', '/readyz', (_req, res) => this.answerReadiness(res));
    this.route('GET', '/metrics', (req, res) => this.answerMetrics(req, res));
  }

  /** `path` is exact, or a prefix ending in '/*' that serves every path below it. */
  route(method: RouteMethod, path: string, handler: Handler): void {
    this.routes.add(method, path, handler);
  }

  /** A check returns true when ready, or the reason it is not; /readyz answers 503 with the reasons. */
  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.readinessChecks.set(name, check);
  }

  async listen(): Promise<{ host: string; port: number }> {
    const headersTimeoutMs = this.options.headersTimeoutMs ?? 10_000;
    const server = this.createServer(headersTimeoutMs);
    server.headersTimeout = headersTimeoutMs;
    server.requestTimeout = this.options.requestTimeoutMs ?? 30_000;
    server.keepAliveTimeout = this.options.keepAliveTimeoutMs ?? 5_000;
    if (this.options.maxConnections !== undefined) {
      server.maxConnections = this.options.maxConnections;
      server.on('drop', (peer?: { remoteAddress?: string }) => this.connectionDropped('VIGIL_HTTP_MAX_CONNECTIONS', this.options.maxConnections, peer?.remoteAddress));
    }
    const perAddress = this.options.maxConnectionsPerAddress;
    if (perAddress !== undefined) server.on('connection', (socket: Socket) => this.admitFromAddress(socket, perAddress));
    // Over TLS the request head comes after the handshake, whose own limit is set in createServer.
    server.on(this.options.tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) => this.closeUnlessRequestWithin(socket, headersTimeoutMs));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(listenProblem(error, { host: this.options.host, port: this.options.port, hostVariable: 'VIGIL_HTTP_HOST', portVariable: 'VIGIL_HTTP_PORT' }));
      server.once('error', onError);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  /** Counts a connection refused for a limit; warns at most once a minute per limit, so a flood does not flood the log. */
  private connectionDropped(variable: string, limit: number | undefined, remoteAddress: string | undefined): void {
    this.droppedConnections.add(1);
    if (this.dropWarnings.due(variable) === undefined) return;
    this.options.logger.warn(
      { limit, remoteAddress },
      `HTTP connections over ${variable} are being closed on arrival (counted in vigil_http_connections_dropped_total)`,
    );
  }

  /**
   * Closes a connection from an address that already holds `limit` open ones, so one client
   * holding connections (slow headers, idle sockets) cannot take every place under
   * maxConnections from the others; counted and warned about as the total limit is.
   */
  private admitFromAddress(socket: Socket, limit: number): void {
    const address = socket.remoteAddress ?? '-';
    const open = this.openByAddress.get(address) ?? 0;
    if (open >= limit) {
      socket.destroy();
      this.connectionDropped('VIGIL_HTTP_MAX_CONNECTIONS_PER_ADDRESS', limit, address);
      return;
    }
    this.openByAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (this.openByAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.openByAddress.delete(address);
      else this.openByAddress.set(address, left);
    });
  }

  /**
   * Closes a connection whose first request head has not arrived within `ms`. Node's headersTimeout
   * counts from a request's first byte, so a connection that sends nothing at all (a slowloris, a
   * client gone without a FIN) would otherwise keep its place under the connection limits for good.
   */
  private closeUnlessRequestWithin(socket: Socket, ms: number): void {
    const timer = setTimeout(() => socket.destroy(), ms);
    this.awaitingFirstRequest.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  }

  private firstRequestArrived(socket: Socket): void {
    const timer = this.awaitingFirstRequest.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.awaitingFirstRequest.delete(socket);
  }

  /** Stops accepting connections and resolves once in-flight requests have been answered. */
  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.closing = true;
    this.stopTlsReload?.();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const forceAfterGrace = setTimeout(() => server.closeAllConnections(), this.options.closeGraceMs ?? 10_000);
    await closed;
    clearTimeout(forceAfterGrace);
    this.server = undefined;
  }

  private createServer(handshakeTimeoutMs: number): Server {
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      this.firstRequestArrived(req.socket);
      this.handle(req, res).catch((error: unknown) => {
        // Only reachable if answering itself failed; the connection is all that is left to end.
        this.options.logger.error({ err: error }, 'HTTP request could not be answered');
        res.destroy();
      });
    };
    const tls = this.options.tls;
    if (tls === undefined) return createHttpServer(listener);
    // Node's default of 120 s would let a client that stops inside the handshake hold a place that long.
    const server = createHttpsServer({ ...readTlsFiles(tls), handshakeTimeout: handshakeTimeoutMs }, listener);
    this.stopTlsReload = reloadTlsOnChange(server, tls, this.options.logger, this.options.tlsReloadIntervalMs);
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = parseRequestUrl(req.url);
    const match = url === undefined ? { kind: 'not_found' as const } : this.routes.match(method, url.pathname);
    const routeLabel = match.kind === 'not_found' ? 'unmatched' : match.pattern;
    res.once('close', () => {
      this.requests.add(1, {
        route: routeLabel,
        method: KNOWN_METHODS.has(method) ? method : 'OTHER',
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      });
      // Keep-alive connections go idle only after their response; close them while shutting down.
      if (this.closing) this.server?.closeIdleConnections();
    });
    if (this.closing) res.setHeader('connection', 'close');

    try {
      if (url === undefined) throw new VigilError('VIGIL_CONTRACT_INVALID', 'the request target is not a valid path');
      if (match.kind === 'not_found') return sendJson(res, 404, { error: 'not_found', message: 'no such endpoint' });
      if (match.kind === 'method_not_allowed') {
        return sendJson(res, 405, { error: 'method_not_allowed', message: `use ${match.allow.join(' or ')}` }, { allow: match.allow.join(', ') });
      }
      await match.handler(req, res, url);
    } catch (error) {
      this.answerError(req, res, error, routeLabel);
    }
  }

  private answerError(req: IncomingMessage, res: ServerResponse, error: unknown, route: string): void {
    const response = errorResponse(error);
    if (response.status >= 500) this.options.logger.error({ err: error, route, method: req.method }, 'HTTP handler failed');
    else this.options.logger.debug({ err: error, route, method: req.method, status: response.status }, 'HTTP request refused');
    if (res.headersSent) {
      // Half a response cannot be turned into an error; cutting the connection tells the client.
      res.destroy();
      return;
    }
    sendJson(res, response.status, response.body, closingUnlessRead(req, response.headers));
  }

  private answerReadiness(res: ServerResponse): void {
    const reasons: Record<string, string> = {};
    if (this.closing) reasons.server = 'shutting down';
    for (const [name, check] of this.readinessChecks) {
      const outcome = runCheck(check);
      if (outcome !== true) reasons[name] = outcome;
    }
    if (Object.keys(reasons).length === 0) return sendJson(res, 200, { status: 'ready' });
    sendJson(res, 503, { status: 'not_ready', reasons });
  }

  private async answerMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tokens = this.options.metricsTokens ?? [];
    if (tokens.length > 0 && !tokenMatches(bearerToken(req), tokens)) {
      this.authFailures.refuse(req, new VigilError('VIGIL_UNAUTHORIZED', 'GET /metrics needs Authorization: Bearer <one of VIGIL_METRICS_TOKENS>'));
    }
    const text = await this.options.telemetry.renderPrometheus();
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(text);
  }
}

/** The path and query of a request target; undefined for anything that is not origin-form. */
function parseRequestUrl(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    // A fixed origin: the Host header is client-controlled and must not shape the URL.
    return new URL(`http://vigil.invalid${target}`);
  } catch {
    return undefined;
  }
}

function runCheck(check: ReadinessCheck): true | string {
  try {
    const outcome = check();
    return outcome === true ? true : typeof outcome === 'string' ? outcome : 'not ready';
  } catch {
    return 'readiness check failed';
  }
}
