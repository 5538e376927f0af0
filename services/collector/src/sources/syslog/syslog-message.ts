// A syslog message (RFC 5424 or RFC 3164) → the log line it carries. The gateway's access log line
// is the MSG part; header fields are kept only to describe the sender. Text without a <PRI> header
// is taken as the line itself, so plain "logger"-style senders still work.

export interface SyslogMessage {
  /** The MSG part: the access-log line. */
  message: string;
  hostname?: string;
  appName?: string;
}

const PRI = /^<(\d{1,3})>/;
const RFC5424_HEADER = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) /;
const RFC3164_TIMESTAMP = /^(?:[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?: \d{4})?|\d{4}-\d{2}-\d{2}T\S+) /;
/** "nginx:", "haproxy[123]:" — a TAG always ends in a colon. */
const TAG = /^([^\s[\]:]{1,48})(?:\[[^\]\s]*\])?:(?: |$)/;
const BOM = '\uFEFF';

function nil(value: string): string | undefined {
  return value === '-' ? undefined : value;
}

/** Index just past RFC 5424 STRUCTURED-DATA ("-" or one or more [id k="v"] elements), or -1. */
function endOfStructuredData(text: string, start: number): number {
  if (text[start] === '-') return start + 1;
  let i = start;
  while (text[i] === '[') {
    i++;
    let inQuotes = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '"') inQuotes = !inQuotes;
      else if (c === ']' && !inQuotes) break;
    }
    if (i >= text.length) return -1;
    i++;
  }
  return i === start ? -1 : i;
}

function parse5424(rest: string): SyslogMessage | undefined {
  const header = RFC5424_HEADER.exec(rest);
  if (!header) return undefined;
  const sdEnd = endOfStructuredData(rest, header[0].length);
  if (sdEnd === -1) return undefined;
  let message = rest.slice(rest[sdEnd] === ' ' ? sdEnd + 1 : sdEnd);
  if (message.startsWith(BOM)) message = message.slice(1);
  const hostname = nil(header[2] as string);
  const appName = nil(header[3] as string);
  return { message, ...(hostname === undefined ? {} : { hostname }), ...(appName === undefined ? {} : { appName }) };
}

function parse3164(rest: string): SyslogMessage {
  const timestamp = RFC3164_TIMESTAMP.exec(rest);
  const afterTime = timestamp ? rest.slice(timestamp[0].length) : rest;
  const tagFirst = TAG.exec(afterTime);
  if (tagFirst) return { message: afterTime.slice(tagFirst[0].length), appName: tagFirst[1] as string };
  // Only with a timestamp can the next word be trusted to be a HOSTNAME.
  const space = afterTime.indexOf(' ');
  if (!timestamp || space === -1) return { message: afterTime };
  const hostname = afterTime.slice(0, space);
  const afterHost = afterTime.slice(space + 1);
  const tag = TAG.exec(afterHost);
  return tag
    ? { message: afterHost.slice(tag[0].length), hostname, appName: tag[1] as string }
    : { message: afterHost, hostname };
}

export function parseSyslogMessage(text: string): SyslogMessage {
  const pri = PRI.exec(text);
  if (!pri || Number(pri[1]) > 191) return { message: text };
  const rest = text.slice(pri[0].length);
  return parse5424(rest) ?? parse3164(rest);
}
