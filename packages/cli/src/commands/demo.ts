// `vigil demo`: plays the traffic simulator's fictional API, with a brute force and an outage, to a
// running Vigil's HTTP ingest in real time (event time = now, so buckets close as the clock runs),
// printing what it sends and when each incident starts. `--output` writes the same traffic, ending
// now, to a file instead, for `vigil replay`.

import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { collectorSchema, commonSchema, loadConfig } from '@vigil/config';
import type { ApiAccessEvent } from '@vigil/contract';
import { simulateTraffic } from '@vigil/detection';
import { localAddressOf, urlHost } from '@vigil/http';
import { DEMO_REQUESTS_PER_SECOND, demoIncidents, type DemoIncident } from '../demo/demo-scenario';
import { ingestEndpoint, postLogLines, type IngestOutcome } from '../demo/ingest-client';
import { nginxJsonLine } from '../demo/nginx-json-line';
import { EXIT_USAGE, type CommandIo } from '../io';
import { GENERATED_TOKEN_FILE } from './start';

const USAGE = 'usage: vigil demo [--url URL] [--token TOKEN] [--minutes N] [--seed S] [--attack-after SECONDS] [--output FILE|-]';
export const HELP = `${USAGE}

Sends a fictional API's traffic, with a brute force and a 5xx outage, to a running Vigil.
  --url URL              Vigil's HTTP address (default: http://VIGIL_HTTP_HOST:VIGIL_HTTP_PORT, i.e. http://127.0.0.1:8080)
  --token TOKEN          ingest token (default: the first of VIGIL_INGEST_TOKENS, else the one vigil start saved in .vigil/ingest-token)
  --minutes N            how long to send (default 3)
  --seed S               same seed, same traffic (default 1)
  --attack-after SECONDS normal traffic before the brute force (default 10; the outage follows 40 s later)
  --output FILE|-        write the traffic, ending now, to a file (or stdout) at once instead: a log for vigil replay
`;
const START_COMMAND = 'npx -y pnpm@10.34.8 vigil start';
const PROGRESS_EVERY_SECONDS = 5;
const MAX_BUSY_ATTEMPTS = 5;
const MAX_BUSY_WAIT_MS = 10_000;

interface DemoArguments {
  url?: string;
  token?: string;
  minutes: number;
  seed: number;
  attackAfterSeconds: number;
  output?: string;
}

const NUMBER_OPTIONS = { '--minutes': 'minutes', '--seed': 'seed', '--attack-after': 'attackAfterSeconds' } as const;
const TEXT_OPTIONS = { '--url': 'url', '--token': 'token', '--output': 'output' } as const;

function parseArguments(args: string[]): DemoArguments | string {
  const parsed: DemoArguments = { minutes: 3, seed: 1, attackAfterSeconds: 10 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const equals = arg.indexOf('=');
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const value = equals > 0 ? arg.slice(equals + 1) : args[++i];
    if (Object.hasOwn(NUMBER_OPTIONS, flag)) {
      const number = Number(value);
      if (value === undefined || value === '' || !Number.isFinite(number) || number < 0) return `${flag} needs a non-negative number`;
      parsed[NUMBER_OPTIONS[flag as keyof typeof NUMBER_OPTIONS]] = number;
    } else if (Object.hasOwn(TEXT_OPTIONS, flag)) {
      if (value === undefined || value === '') return `${flag} needs a value`;
      parsed[TEXT_OPTIONS[flag as keyof typeof TEXT_OPTIONS]] = value;
    } else {
      return `unknown argument "${arg}"`;
    }
  }
  if (parsed.minutes <= 0) return '--minutes must be above 0';
  if (parsed.url !== undefined && !isHttpUrl(parsed.url)) return `--url needs an http:// or https:// address, e.g. --url http://127.0.0.1:8080 (got "${parsed.url}")`;
  return parsed;
}

/** Whether `text` is an absolute http(s) URL: anything else was a TypeError and a stack trace. */
function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Where `vigil start` listens with the same environment; undefined when it picks a free port. */
function defaultBaseUrl(env: CommandIo['env']): string | undefined {
  const common = loadConfig(commonSchema, env);
  if (common.httpPort === 0) return undefined;
  return `${common.httpTlsCertFile === undefined ? 'http' : 'https'}://${urlHost(localAddressOf(common.httpHost), common.httpPort)}`;
}

/** The token and where it came from (the token itself is never printed). */
function resolveToken(args: DemoArguments, env: CommandIo['env']): { token: string; source: string } | undefined {
  if (args.token !== undefined) return { token: args.token, source: '--token' };
  const [configured] = loadConfig(collectorSchema, env).ingestTokens ?? [];
  if (configured !== undefined) return { token: configured, source: 'VIGIL_INGEST_TOKENS' };
  try {
    const generated = readFileSync(GENERATED_TOKEN_FILE, 'utf8').trim();
    return generated === '' ? undefined : { token: generated, source: `${GENERATED_TOKEN_FILE} (written by vigil start)` };
  } catch {
    return undefined;
  }
}

/** The simulated events grouped by second of event time, empty seconds included. */
function* perSecond(events: Iterable<ApiAccessEvent>, start: number, durationMs: number): Generator<{ second: number; events: ApiAccessEvent[] }> {
  let second = start;
  let batch: ApiAccessEvent[] = [];
  for (const event of events) {
    for (; event.time >= second + 1000; second += 1000) {
      yield { second, events: batch };
      batch = [];
    }
    batch.push(event);
  }
  for (; second < start + durationMs; second += 1000) {
    yield { second, events: batch };
    batch = [];
  }
}

function simulate(start: number, durationMs: number, seed: number, incidents: readonly DemoIncident[]) {
  return perSecond(
    simulateTraffic({
      seed,
      start,
      durationMs,
      requestsPerSecond: DEMO_REQUESTS_PER_SECOND,
      attacks: incidents.map((i) => i.attack),
      dailyAmplitude: 0,
      rampFactor: 1,
      blipsPerDay: 0,
    }),
    start,
    durationMs,
  );
}

/** Demo lines are nginx JSON: a Vigil started with another VIGIL_FORMAT rejects them. */
const WRONG_FORMAT_HINT = 'Is VIGIL_FORMAT set to a format other than auto or nginx-json? The demo sends nginx-json lines; start Vigil without VIGIL_FORMAT for the demo.';

function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `+${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function explain(outcome: Exclude<IngestOutcome, { ok: true }>, endpoint: URL, tokenSource: string): string {
  switch (outcome.problem) {
    case 'unreachable':
      return [
        `vigil demo: cannot reach Vigil at ${endpoint.origin} (${outcome.detail}).`,
        `Start it first, in another terminal: ${START_COMMAND}`,
        'or pass --url if it listens elsewhere (VIGIL_HTTP_HOST, VIGIL_HTTP_PORT).',
        ...(endpoint.protocol === 'http:' ? [`If it serves HTTPS (VIGIL_HTTP_TLS_CERT_FILE), use --url https://${endpoint.host}`] : []),
        '',
      ].join('\n');
    case 'untrusted':
      return `vigil demo: Vigil at ${endpoint.origin} serves a certificate this machine does not trust (${outcome.detail}).\nTrust its CA (or its self-signed certificate) for this command: NODE_EXTRA_CA_CERTS=/path/to/ca.pem ${START_COMMAND.replace(/ start$/, ' demo')}\n`;
    case 'unauthorized':
      return `vigil demo: Vigil at ${endpoint.origin} refused the ingest token from ${tokenSource}.\nPass the token vigil start printed ("Ingest token for this run: ...") with --token, or set VIGIL_INGEST_TOKENS to one of the tokens Vigil was started with.\n`;
    case 'busy':
      return `vigil demo: Vigil at ${endpoint.origin} stayed busy (HTTP ${outcome.status}) after ${MAX_BUSY_ATTEMPTS} attempts; see its log on stderr.\n`;
    case 'refused':
      return `vigil demo: Vigil at ${endpoint.origin} answered HTTP ${outcome.status}: ${outcome.detail.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}\n`;
  }
}

/** Posts, waiting out 429/503 answers as a shipper would. */
async function postPatiently(endpoint: URL, token: string, lines: readonly string[]): Promise<IngestOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await postLogLines(endpoint, token, lines);
    if (outcome.ok || outcome.problem !== 'busy' || attempt >= MAX_BUSY_ATTEMPTS) return outcome;
    await sleep(Math.min(outcome.retryAfterMs, MAX_BUSY_WAIT_MS));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

interface Tally {
  lines: number;
  authFailures: number;
  serverErrors: number;
}

function tally(events: readonly ApiAccessEvent[], into: Tally): void {
  into.lines += events.length;
  for (const e of events) {
    if (e.response.status === 401 || e.response.status === 403) into.authFailures++;
    else if (e.response.status >= 500) into.serverErrors++;
  }
}

async function sendLive(args: DemoArguments, io: CommandIo): Promise<number> {
  const baseUrl = args.url ?? defaultBaseUrl(io.env);
  if (baseUrl === undefined) {
    io.stderr.write(`vigil demo: VIGIL_HTTP_PORT=0 lets Vigil pick its port: pass the address vigil start printed, e.g. --url http://127.0.0.1:8080\n`);
    return EXIT_USAGE;
  }
  const endpoint = ingestEndpoint(baseUrl);
  const credential = resolveToken(args, io.env);
  if (credential === undefined) {
    io.stderr.write(
      `vigil demo: no ingest token. Start Vigil with "${START_COMMAND}" (without VIGIL_INGEST_TOKENS it makes one and saves it in ${GENERATED_TOKEN_FILE}), or pass --token, or set VIGIL_INGEST_TOKENS.\n`,
    );
    return 1;
  }
  // An empty post checks address and token before anything is printed or sent.
  const check = await postLogLines(endpoint, credential.token, []);
  if (!check.ok) {
    io.stderr.write(explain(check, endpoint, credential.source));
    return 1;
  }

  const durationMs = args.minutes * 60_000;
  const start = Math.floor(Date.now() / 1000) * 1000;
  const incidents = demoIncidents(start, args.attackAfterSeconds * 1000, durationMs);
  io.stdout.write(
    [
      `Sending demo traffic to ${endpoint.href} (token from ${credential.source}) for ${args.minutes} min, seed ${args.seed}:`,
      `a fictional API (services shop, accounts, media, search; 10 routes; 300 clients), about ${DEMO_REQUESTS_PER_SECOND} requests a second,`,
      'posted once a second as nginx JSON log lines in event time now. Planned:',
      ...incidents.map((i) => `  ${elapsed(i.attack.start - start)}  ${i.story}`),
      'Alerts appear where vigil start runs (and on Slack/email when configured), one bucket width (VIGIL_BUCKET_SECONDS, 10 s by default) and a few seconds after an incident starts.',
      '',
    ].join('\n'),
  );

  let sample: string | undefined;
  let window: Tally = { lines: 0, authFailures: 0, serverErrors: 0 };
  const total = { lines: 0, requests: 0, rejected: 0 };
  for (const { second, events } of simulate(start, durationMs, args.seed, incidents)) {
    await sleep(second + 1000 - Date.now());
    for (const incident of incidents) {
      const { start: at, durationMs: lasts } = incident.attack;
      if (at >= second && at < second + 1000) io.stdout.write(`${elapsed(at - start)}  INCIDENT STARTS: ${incident.story}\n         expect: ${incident.expectedAlert}\n`);
      if (at + lasts >= second && at + lasts < second + 1000) io.stdout.write(`${elapsed(at + lasts - start)}  incident over: ${incident.attack.kind}\n`);
    }
    const lines = events.map(nginxJsonLine);
    const outcome = await postPatiently(endpoint, credential.token, lines);
    if (!outcome.ok) {
      io.stderr.write(explain(outcome, endpoint, credential.source));
      return 1;
    }
    if (sample === undefined && lines[0] !== undefined) {
      sample = lines[0];
      if (outcome.rejected === lines.length) {
        io.stderr.write(`vigil demo: Vigil at ${endpoint.origin} rejected every line of the first batch (${lines.length}). ${WRONG_FORMAT_HINT}\nA line looks like: ${sample}\n`);
        return 1;
      }
      io.stdout.write(`${elapsed(second - start)}  first batch accepted; a line looks like: ${sample}\n`);
    }
    total.requests++;
    total.lines += lines.length;
    total.rejected += outcome.rejected;
    tally(events, window);
    if ((second - start + 1000) % (PROGRESS_EVERY_SECONDS * 1000) === 0) {
      io.stdout.write(`${elapsed(second + 1000 - start)}  sent ${window.lines} lines in the last ${PROGRESS_EVERY_SECONDS} s (401/403: ${window.authFailures}, 5xx: ${window.serverErrors})\n`);
      window = { lines: 0, authFailures: 0, serverErrors: 0 };
    }
  }
  io.stdout.write(`Done: ${total.lines} lines in ${total.requests} requests.\n`);
  if (total.rejected > 0) {
    io.stdout.write(`Vigil rejected ${total.rejected} of them. ${WRONG_FORMAT_HINT}\n`);
  }
  return 0;
}

/** A stream to `path`, once it is open: a directory or a missing folder rejects here, not as an unhandled stream error. */
async function openForWriting(path: string): Promise<NodeJS.WritableStream> {
  const stream = createWriteStream(path);
  await once(stream, 'open');
  return stream;
}

/** The same traffic, ending now, written at once: a log to backtest settings with `vigil replay`. */
async function writeLog(args: DemoArguments, output: string, io: CommandIo): Promise<number> {
  const durationMs = args.minutes * 60_000;
  const start = Math.floor(Date.now() / 1000) * 1000 - durationMs;
  const incidents = demoIncidents(start, args.attackAfterSeconds * 1000, durationMs);
  let stream: NodeJS.WritableStream;
  try {
    stream = output === '-' ? io.stdout : await openForWriting(output);
  } catch (error) {
    io.stderr.write(`vigil demo: cannot write ${output}: ${(error as Error).message}\n`);
    return 1;
  }
  let lines = 0;
  for (const { events } of simulate(start, durationMs, args.seed, incidents)) {
    const chunk = events.map((e) => `${nginxJsonLine(e)}\n`).join('');
    lines += events.length;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  if (stream !== io.stdout) {
    stream.end();
    await once(stream, 'finish');
  }
  io.stderr.write(
    [
      `Wrote ${lines} lines (${args.minutes} min of demo traffic ending now, seed ${args.seed}) to ${output === '-' ? 'stdout' : output}. Incidents:`,
      ...incidents.map((i) => `  ${new Date(i.attack.start).toISOString()}  ${i.story}`),
      '',
    ].join('\n'),
  );
  return 0;
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseArguments(args);
  if (typeof parsed === 'string') {
    io.stderr.write(`vigil demo: ${parsed}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  return parsed.output === undefined ? sendLive(parsed, io) : writeLog(parsed, parsed.output, io);
}
