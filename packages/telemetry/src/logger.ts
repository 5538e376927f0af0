// The pino logger every Vigil process uses: JSON lines on stderr (stdout stays free for command
// output), with secrets censored wherever they appear in a logged object.
import { pino } from 'pino';
import type { Logger } from 'pino';

export const REDACTED = '<secret>';

/** Field names whose values are credentials, in the spellings headers, configs and SDKs use. */
export const SECRET_FIELD_NAMES: readonly string[] = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'password',
  'passwd',
  'token',
  'tokens',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'apiKey',
  'api_key',
  'api-key',
  'x-api-key',
  'x-amz-firehose-access-key',
  'secret',
  'clientSecret',
  'client_secret',
  'webhookUrl',
  'smtpUrl',
];

/** pino wildcards match exactly one level, so each name is covered at the top and a few levels down. */
const REDACTION_DEPTH = 4;

function secretRedactionPaths(names: readonly string[] = SECRET_FIELD_NAMES): string[] {
  const paths: string[] = [];
  for (const name of names) {
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`;
    for (let depth = 0; depth < REDACTION_DEPTH; depth += 1) {
      const prefix = '*.'.repeat(depth);
      paths.push(key.startsWith('[') ? `${prefix.slice(0, -1)}${key}` : `${prefix}${key}`);
    }
  }
  return paths;
}

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Where the JSON lines go; stderr when omitted. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: secretRedactionPaths(), censor: REDACTED },
    },
    options.destination ?? pino.destination(2),
  );
}
