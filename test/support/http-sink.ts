// A real HTTP server on 127.0.0.1 that records every request and answers from a script. It stands in
// for Slack's webhook endpoint, a webhook receiver and Alertmanager in integration tests.
//
//   const sink = await startHttpSink({ responses: [500, { status: 429, headers: { 'retry-after': '1' } }, 200] });
//   ... point a notifier at sink.url ...
//   const [request] = await sink.waitForRequests(1);
//   request.json();  // parsed body
//   await sink.stop();
//
// Scripted responses are used in order, one per request; after the script runs out every request
// gets `defaultResponse` (200 "ok" unless set). 'hang' accepts the request and never answers, for
// client timeout tests (stop() ends such connections).
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitForCount } from './wait-for';

export type ScriptedResponse =
  | number
  | 'hang'
  | { status: number; headers?: Record<string, string>; body?: string };

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/services/T0/B0/secret`. */
  path: string;
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: string;
  /** The response the sink gave (or 'hang'). */
  answeredWith: ScriptedResponse;
  json<T = unknown>(): T;
}

export interface HttpSinkOptions {
  responses?: ScriptedResponse[];
  defaultResponse?: ScriptedResponse;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface HttpSink {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received so far, in arrival order (kept across stop/start). */
  readonly requests: RecordedRequest[];
  /** Appends responses to the script. */
  respondWith(...responses: ScriptedResponse[]): void;
  /** Resolves once at least `count` requests arrived; rejects with what did arrive after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Closes the listener and every open connection; the port then refuses connections. */
  stop(): Promise<void>;
  /** Listens again on the same port (after stop). */
  start(): Promise<void>;
}

function answer(res: ServerResponse, response: Exclude<ScriptedResponse, 'hang'>): void {
  const { status, headers = {}, body = status < 300 ? 'ok' : `status ${status}` } =
    typeof response === 'number' ? { status: response } : response;
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(body);
}

export async function startHttpSink(options: HttpSinkOptions = {}): Promise<HttpSink> {
  const script = [...(options.responses ?? [])];
  const defaultResponse = options.defaultResponse ?? 200;
  const requests: RecordedRequest[] = [];
  let port = options.port ?? 0;
  let server: Server | undefined;

  function listen(): Promise<void> {
    const created = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const answeredWith = script.shift() ?? defaultResponse;
        requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body,
          answeredWith,
          json: <T>() => JSON.parse(body) as T,
        });
        if (answeredWith !== 'hang') answer(res, answeredWith);
      });
    });
    server = created;
    return new Promise((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, '127.0.0.1', () => {
        port = (created.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    requests,
    respondWith(...responses) {
      script.push(...responses);
    },
    waitForRequests(count, timeoutMs = 10_000) {
      return waitForCount(requests, count, timeoutMs, 'requests at the HTTP sink');
    },
    stop() {
      const running = server;
      server = undefined;
      if (running === undefined) return Promise.resolve();
      return new Promise((resolve) => {
        running.close(() => resolve());
        running.closeAllConnections();
      });
    },
    start() {
      return server === undefined ? listen() : Promise.resolve();
    },
  };
}
