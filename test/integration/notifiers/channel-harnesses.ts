// One harness per networked channel for the shared contract suite: it starts the real local server
// the channel talks to, builds a notifier with secrets worth leaking, scripts failures and reads
// back what arrived as text.
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import {
  HOSTILE_STRINGS,
  createAlertmanagerNotifier,
  createConsoleNotifier,
  createEmailNotifier,
  createSlackNotifier,
  createWebhookNotifier,
} from '@vigil/notifiers';
import type { Notifier } from '@vigil/notifiers';
import { startHttpSink } from '../../support/http-sink';
import { startSmtpSink } from '../../support/smtp-sink';

export interface Delivery {
  /** Everything that arrived, as one text (path, headers and body; or subject, text and HTML). */
  text: string;
  /** Fails unless the hostile sample arrived escaped for this medium (or as exact data for JSON). */
  expectHostileInert(): void;
}

/** Server-side faults a networked channel can be put through. */
export interface ChannelFaults {
  failNextTransiently(): void;
  failNextPermanently(): void;
  /** HTTP channels only: answer 429 with Retry-After in seconds. */
  rateLimitNext?(retryAfterSeconds: number): void;
  /** HTTP channels only: accept the next request and never answer. */
  hangNext?(): void;
  /** Stops the server, so the next send meets a refused connection. */
  stopServer(): Promise<void>;
}

export interface RunningChannel {
  notifier: Notifier;
  /** Strings that must never appear in a NotifyResult reason. */
  secrets: string[];
  /** What arrived for delivery number `index` (0-based), waiting for it if needed. */
  delivered(index: number): Promise<Delivery>;
  /** Absent for the console, which has no server to fail. */
  faults?: ChannelFaults;
  stop(): Promise<void>;
}

export interface ChannelHarness {
  channel: string;
  /** What the channel talks to, which decides the faults it can be put through. */
  medium: 'http' | 'smtp' | 'stream';
  start(options: { timeoutMs: number }): Promise<RunningChannel>;
}

async function httpChannel(
  build: (baseUrl: string, timeoutMs: number) => { notifier: Notifier; secrets: string[] },
  expectHostileInert: (body: unknown) => void,
  timeoutMs: number,
): Promise<RunningChannel> {
  const sink = await startHttpSink();
  const { notifier, secrets } = build(sink.url, timeoutMs);
  return {
    notifier,
    secrets,
    async delivered(index) {
      const request = (await sink.waitForRequests(index + 1))[index]!;
      return {
        text: `${request.path}\n${JSON.stringify(request.headers)}\n${request.body}`,
        expectHostileInert: () => expectHostileInert(request.json()),
      };
    },
    faults: {
      failNextTransiently: () => sink.respondWith(500),
      failNextPermanently: () => sink.respondWith(400),
      rateLimitNext: (seconds) => sink.respondWith({ status: 429, headers: { 'retry-after': String(seconds) } }),
      hangNext: () => sink.respondWith('hang'),
      stopServer: () => sink.stop(),
    },
    stop: () => sink.stop(),
  };
}

/** JSON media carry hostile strings as exact data: the receiver gets evidence, not a mangled copy. */
function expectExactData(text: string): void {
  expect(text).toContain(HOSTILE_STRINGS.path);
}

/** Rendered media must show the hostile strings only in escaped form. */
function expectEscaped(text: string, escapedPath: string, escapedMention: string): void {
  expect(text).not.toContain('<script>');
  expect(text).not.toContain('<!channel>');
  expect(text).not.toContain('<https://evil.example|click>');
  expect(text).toContain(escapedPath);
  expect(text).toContain(escapedMention);
}

const SLACK_PATH = '/services/T0VIGIL/B0VIGIL/slackSecretToken42';
const WEBHOOK_TOKEN = 'webhookUrlToken42';
const HMAC_SECRET = 'hmacSigningSecret42';
const SMTP_PASSWORD = 'smtpPassw0rd!42';
const ALERTMANAGER_PASSWORD = 'amBasicAuth42';

export const CHANNEL_HARNESSES: ChannelHarness[] = [
  {
    channel: 'slack',
    medium: 'http',
    start: ({ timeoutMs }) =>
      httpChannel((baseUrl, timeout) => {
        const webhookUrl = `${baseUrl}${SLACK_PATH}`;
        return { notifier: createSlackNotifier({ webhookUrl, timeoutMs: timeout }), secrets: [webhookUrl, SLACK_PATH, 'slackSecretToken42'] };
      }, (body) => expectEscaped(JSON.stringify(body), '/&lt;script&gt;alert(1)&lt;/script&gt;', '&lt;!channel&gt;'), timeoutMs),
  },
  {
    channel: 'webhook',
    medium: 'http',
    start: ({ timeoutMs }) =>
      httpChannel((baseUrl, timeout) => {
        const url = `${baseUrl}/hooks/vigil?token=${WEBHOOK_TOKEN}`;
        return { notifier: createWebhookNotifier({ url, secret: HMAC_SECRET, timeoutMs: timeout }), secrets: [url, WEBHOOK_TOKEN, HMAC_SECRET] };
      }, (body) => {
        const { anomaly } = body as { anomaly: { entity: { key: string }; evidence: { topClients: { key: string }[] } } };
        expect(anomaly.entity.key).toBe(HOSTILE_STRINGS.clientId);
        expect(anomaly.evidence.topClients.map((client) => client.key)).toContain(HOSTILE_STRINGS.userAgent);
        expectExactData(JSON.stringify(body));
      }, timeoutMs),
  },
  {
    channel: 'alertmanager',
    medium: 'http',
    start: ({ timeoutMs }) =>
      httpChannel((baseUrl, timeout) => {
        const url = baseUrl.replace('http://', `http://vigil:${ALERTMANAGER_PASSWORD}@`);
        return { notifier: createAlertmanagerNotifier({ url, timeoutMs: timeout }), secrets: [url, ALERTMANAGER_PASSWORD] };
      }, (body) => {
        const [alert] = body as { labels: Record<string, string>; annotations: Record<string, string> }[];
        expect(alert?.labels.entity).not.toMatch(/[\r\n]/);
        expectExactData(alert?.annotations.description ?? '');
      }, timeoutMs),
  },
  {
    channel: 'email',
    medium: 'smtp',
    async start({ timeoutMs }) {
      const credentials = { user: 'vigil', pass: SMTP_PASSWORD };
      const sink = await startSmtpSink({ auth: credentials, starttls: true });
      const smtpUrl = sink.url(credentials);
      // The login is only sent after STARTTLS, here with smtp-server's self-signed certificate.
      const notifier = createEmailNotifier({ smtpUrl, from: 'vigil@example.com', to: ['oncall@example.com'], timeoutMs, tls: { rejectUnauthorized: false } });
      return {
        notifier,
        secrets: [smtpUrl, SMTP_PASSWORD, encodeURIComponent(SMTP_PASSWORD)],
        async delivered(index) {
          const { parsed } = (await sink.waitForMessages(index + 1))[index]!;
          const html = typeof parsed.html === 'string' ? parsed.html : '';
          return {
            text: `${parsed.subject ?? ''}\n${parsed.text ?? ''}\n${html}`,
            expectHostileInert() {
              expectEscaped(html, '/&lt;script&gt;alert(1)&lt;/script&gt;', '&lt;!channel&gt;');
              expect(parsed.headers.get('bcc')).toBeUndefined();
              expect(parsed.subject).not.toMatch(/[\r\n]/);
            },
          };
        },
        faults: {
          failNextTransiently: () => sink.rejectNext({ code: 451, message: 'Local problem, try again later' }),
          failNextPermanently: () => sink.rejectNext({ code: 550, message: 'Mailbox unavailable' }),
          stopServer: () => sink.stop(),
        },
        async stop() {
          await notifier.close?.();
          await sink.stop();
        },
      };
    },
  },
  {
    channel: 'console',
    medium: 'stream',
    async start() {
      const stream = new PassThrough();
      const chunks: string[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
      return {
        notifier: createConsoleNotifier({ stream }),
        secrets: [],
        async delivered(index) {
          const text = chunks[index] ?? '';
          return {
            text,
            expectHostileInert() {
              expect(text).not.toContain('\u001b');
              expect(text).toContain('\\u{1b}');
              expectExactData(text);
            },
          };
        },
        async stop() {
          stream.end();
        },
      };
    },
  },
];
