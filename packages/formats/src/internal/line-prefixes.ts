// Wrappers that sit in front of an access-log line and carry nothing the event needs: a syslog
// header (RFC 3164 or 5424, as nginx and HAProxy write to syslog) and the container-runtime prefix
// (`<time> stdout F `, CRI / Kubernetes log files). Returns the offset where the log line starts.

/** J F M A S O N D: the first letters of the English month abbreviations. */
function isMonthInitial(c: number): boolean {
  return c === 74 || c === 70 || c === 77 || c === 65 || c === 83 || c === 79 || c === 78 || c === 68;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `2025-12-31T17:37:40.49+01:00 stdout F ` → offset after it; 0 when absent. */
function criPrefixLength(line: string): number {
  if (!isDigit(line.charCodeAt(0)) || line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84) return 0;
  const sp = line.indexOf(' ');
  if (sp === -1 || sp > 40) return 0;
  const stream = line.startsWith('stdout ', sp + 1) || line.startsWith('stderr ', sp + 1);
  if (!stream) return 0;
  const tag = sp + 8;
  const flag = line.charCodeAt(tag);
  return (flag === 70 || flag === 80) && line.charCodeAt(tag + 1) === 32 ? tag + 2 : 0;
}

/**
 * RFC 3164 `[<pri>]Mmm dd hh:mm:ss [host ]tag[pid]: `, RFC 5424 `<pri>1 ts host app procid msgid sd `,
 * or `<pri>` alone; offset of the message, 0 when absent.
 */
function syslogPrefixLength(line: string): number {
  let p = 0;
  if (line.charCodeAt(0) === 60) {
    const gt = line.indexOf('>');
    if (gt < 2 || gt > 4) return 0;
    for (let i = 1; i < gt; i++) if (!isDigit(line.charCodeAt(i))) return 0;
    p = gt + 1;
    if (line.charCodeAt(p) === 49 && line.charCodeAt(p + 1) === 32) return rfc5424MessageStart(line, p + 2);
  }
  // `<pri>` alone before the message: HAProxy's `format priority` and `format short` (for journald).
  if (!isMonthInitial(line.charCodeAt(p)) || line.charCodeAt(p + 3) !== 32) return p;
  if (line.charCodeAt(p + 9) !== 58 || line.charCodeAt(p + 12) !== 58 || line.charCodeAt(p + 15) !== 32) return p;
  const hostEnd = line.indexOf(' ', p + 16);
  if (hostEnd === -1) return p;
  // No hostname: HAProxy sends none unless log-send-hostname is set, nginx none with `nohostname`.
  if (line.charCodeAt(hostEnd - 1) === 58 && hostEnd - p - 16 <= 64 && line.lastIndexOf(':', hostEnd - 2) < p + 16) return hostEnd + 1;
  const tagEnd = line.indexOf(': ', hostEnd + 1);
  if (tagEnd === -1 || tagEnd - hostEnd > 64 || line.lastIndexOf(' ', tagEnd - 1) !== hostEnd) return p;
  return tagEnd + 2;
}

function rfc5424MessageStart(line: string, from: number): number {
  let p = from;
  for (let field = 0; field < 5; field++) {
    const sp = line.indexOf(' ', p);
    if (sp === -1) return 0;
    p = sp + 1;
  }
  if (line.charCodeAt(p) === 45) return line.charCodeAt(p + 1) === 32 ? p + 2 : 0;
  if (line.charCodeAt(p) !== 91) return 0;
  const end = line.indexOf('] ', p);
  return end === -1 ? 0 : end + 2;
}

/** Strips every known wrapper, outermost first. */
export function stripLinePrefixes(line: string): string {
  let out = line;
  const cri = criPrefixLength(out);
  if (cri > 0) out = out.slice(cri);
  const syslog = syslogPrefixLength(out);
  if (syslog > 0) out = out.slice(syslog);
  return out;
}

/**
 * False when the line text[start, end) surely starts with no wrapper stripLinePrefixes removes: a
 * cheap look at the first characters, so a line read in place can skip the strip.
 */
export function mayHaveLinePrefix(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start);
  if (first === 60) return true;
  if (end - start > 10 && isDigit(first) && text.charCodeAt(start + 4) === 45 && text.charCodeAt(start + 10) === 84) return true;
  return isMonthInitial(first) && end - start > 3 && text.charCodeAt(start + 3) === 32;
}
