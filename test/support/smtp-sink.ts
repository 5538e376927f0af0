// A real SMTP server on 127.0.0.1 (smtp-server) that parses every accepted mail with mailparser.
// It can require a login, offer STARTTLS (with smtp-server's built-in self-signed certificate),
// reject the next messages with scripted SMTP replies, record the command verbs clients sent, and
// stop and start again on the same port for "SMTP down, then up" tests.
//
//   const sink = await startSmtpSink({ auth: { user: 'vigil', pass: 's3cret' } });
//   createEmailNotifier({ smtpUrl: sink.url({ user: 'vigil', pass: 's3cret' }), ... });
//   sink.rejectNext({ code: 451, message: 'try again later' });
//   const [mail] = await sink.waitForMessages(1);
//   mail.parsed.subject; mail.parsed.html; mail.parsed.text;
//   await sink.stop(); await sink.start();   // same port
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitForCount } from './wait-for';

export interface ReceivedMail {
  envelope: { from: string | undefined; to: string[] };
  /** The user that logged in, when the sink requires auth. */
  user: string | undefined;
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpReply {
  /** 4xx: transient, 5xx: permanent. */
  code: number;
  message: string;
}

export interface SmtpSinkOptions {
  /** Require this login (AUTH PLAIN/LOGIN over plain TCP is allowed, as in tests). */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS with a self-signed certificate (clients must not verify it). Off by default. */
  starttls?: boolean;
  /** Refuse these recipients at RCPT TO with 550 (no such user); the others get the mail. */
  unknownRecipients?: readonly string[];
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface SmtpSink {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `smtp://[user:pass@]127.0.0.1:<port>`; credentials are URL-encoded. */
  url(credentials?: { user: string; pass: string }): string;
  /** Every accepted mail so far, in order (kept across stop/start). */
  readonly messages: ReceivedMail[];
  /** The verb of every command clients sent (`EHLO`, `STARTTLS`, `AUTH`, ...), in order (kept across stop/start). */
  readonly commands: string[];
  /** Makes the next messages fail at end of DATA with these replies, one each, in order. */
  rejectNext(...replies: SmtpReply[]): void;
  /** Resolves once at least `count` mails were accepted; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Stops listening and ends open sessions; the port then refuses connections. */
  stop(): Promise<void>;
  /** Listens again on the same port (after stop). */
  start(): Promise<void>;
}

class SmtpReplyError extends Error {
  constructor(readonly responseCode: number, message: string) {
    super(message);
  }
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const commands: string[] = [];
  const rejections: SmtpReply[] = [];
  let port = options.port ?? 0;
  let server: SMTPServer | undefined;

  function createSmtpServer(): SMTPServer {
    const created = new SMTPServer({
      logger: false,
      secure: false,
      closeTimeout: 500,
      disabledCommands: options.starttls === true ? [] : ['STARTTLS'],
      authOptional: options.auth === undefined,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        const expected = options.auth;
        if (expected !== undefined && auth.username === expected.user && auth.password === expected.pass) {
          callback(null, { user: auth.username });
        } else {
          callback(new SmtpReplyError(535, 'Authentication failed'));
        }
      },
      onRcptTo(address, _session, callback) {
        if (options.unknownRecipients?.includes(address.address) === true) callback(new SmtpReplyError(550, `5.1.1 <${address.address}>: no such user`));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const rejection = rejections.shift();
          if (rejection !== undefined) {
            callback(new SmtpReplyError(rejection.code, rejection.message));
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              messages.push({
                envelope: {
                  from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
                  to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
                },
                user: typeof session.user === 'string' ? session.user : undefined,
                raw,
                parsed,
              });
              callback();
            },
            (error: unknown) => callback(error as Error),
          );
        });
      },
    });
    // smtp-server logs each client command at debug level with its verb; that log is the record.
    // Set after construction: a logger in the options would also print the self-signed certificate warning.
    const ignore = () => undefined;
    created.logger = {
      debug(entry?: unknown) {
        const { tnx, command } = (entry ?? {}) as { tnx?: string; command?: string };
        if (tnx === 'command' && typeof command === 'string') commands.push(command);
      },
      trace: ignore,
      info: ignore,
      warn: ignore,
      error: ignore,
      fatal: ignore,
    };
    return created;
  }

  function listen(): Promise<void> {
    const created = createSmtpServer();
    server = created;
    return new Promise((resolve, reject) => {
      created.once('error', reject);
      const listener = created.listen(port, '127.0.0.1', () => {
        port = (listener.address() as AddressInfo).port;
        created.off('error', reject);
        // A client that drops mid-session is normal in fault tests; keep the sink running.
        created.on('error', () => undefined);
        resolve();
      });
    });
  }

  await listen();

  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    url(credentials) {
      const login = credentials === undefined ? '' : `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@`;
      return `smtp://${login}127.0.0.1:${port}`;
    },
    messages,
    commands,
    rejectNext(...replies) {
      rejections.push(...replies);
    },
    waitForMessages(count, timeoutMs = 10_000) {
      return waitForCount(messages, count, timeoutMs, 'mails at the SMTP sink');
    },
    stop() {
      const running = server;
      server = undefined;
      if (running === undefined) return Promise.resolve();
      return new Promise((resolve) => running.close(() => resolve()));
    },
    start() {
      return server === undefined ? listen() : Promise.resolve();
    },
  };
}
