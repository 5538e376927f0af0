// Lines that share files and syslog streams with access logs but are not requests: nginx and Apache
// error logs, HAProxy's own messages, envelopes meant for the collector's HTTP endpoint, comment
// lines (W3C `#Fields` headers).
// Naming them turns a vague "unknown format" into a reason an operator can act on.

import type { Rejection } from '../types';
import { isRecord, type JsonRecord } from './json-fields';
import { reject } from './raw-access';

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * HAProxy's own messages, which a stock haproxy.cfg sends to the same syslog target as the access
 * log (`log global`): connections logged without `option httplog`, proxies starting and stopping,
 * servers going up or down.
 */
const HAPROXY_MESSAGE =
  /^(?:Connect from \S+ to |Proxy \S+ (?:started|stopped|paused|resumed)|(?:Stopping|Pausing|Resuming|Starting) (?:frontend|backend|proxy|peers) |(?:Backup )?Server \S+\/\S+ is |backend \S+ has no server available|Health check for )/;

/** A rejection for a recognisably non-access text line, or undefined. */
export function classifyNonAccessLine(line: string): Rejection | undefined {
  if (isDigitAt(line, 0) && line.charCodeAt(4) === 47 && line.charCodeAt(7) === 47 && line.indexOf(' [', 10) === 19) {
    return reject('not_an_access_log', 'nginx error log line');
  }
  if (line.charCodeAt(0) === 91 && line.charCodeAt(4) === 32 && line.indexOf('] [', 5) !== -1 && !isDigitAt(line, 1)) {
    return reject('not_an_access_log', 'Apache error log line');
  }
  if (line.charCodeAt(0) === 35) return reject('not_an_access_log', 'comment line');
  if (HAPROXY_MESSAGE.test(line)) return reject('not_an_access_log', 'HAProxy message without an HTTP request (a connection, a proxy or server state change)');
  return undefined;
}

/** A rejection for a JSON record that is an envelope rather than an access-log entry, or undefined. */
export function classifyNonAccessRecord(record: JsonRecord): Rejection | undefined {
  if (isRecord(record.awslogs) || Array.isArray(record.logEvents)) {
    return reject('not_an_access_log', 'CloudWatch Logs envelope; POST it to /v1/logs or read it with vigil parse, which unwrap it');
  }
  if (Array.isArray(record.records)) {
    return reject('not_an_access_log', 'Firehose/Kinesis envelope; POST it to /v1/logs or read it with vigil parse, which unwrap it');
  }
  return undefined;
}
