// A custom nginx `log_format`, given as the template nginx.conf uses, compiled once into a list of
// literal and variable steps. Each variable's value runs up to the literal that follows it; inside
// double quotes, the closing quote is found escape-aware.

import { VigilError } from '@vigil/contract';
import { findClosingQuote, unescapeLogString } from '../internal/escapes';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawAccess, type RawResult } from '../internal/raw-access';
import { applyNginxVariable } from './nginx-variables';

type Step = { literal: string } | { variable: string; quoted: boolean; until: string };

const NAME_CHAR = /[A-Za-z0-9_]/;

function readVariable(template: string, at: number): { name: string; end: number } {
  if (template[at + 1] === '{') {
    const close = template.indexOf('}', at + 2);
    if (close === -1) throw invalid(`unterminated \${ at offset ${at}`);
    return { name: template.slice(at + 2, close), end: close + 1 };
  }
  let end = at + 1;
  while (end < template.length && NAME_CHAR.test(template[end] as string)) end++;
  if (end === at + 1) throw invalid(`"$" without a variable name at offset ${at}`);
  return { name: template.slice(at + 1, end), end };
}

function invalid(problem: string): VigilError {
  return new VigilError(
    'VIGIL_CONFIG_INVALID',
    `VIGIL_NGINX_LOG_FORMAT ${problem}, e.g. VIGIL_NGINX_LOG_FORMAT='$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'`,
  );
}

const LOG_FORMAT_DIRECTIVE = /^log_format\s+\S+\s+(?:escape=\S+\s+)?/;

/**
 * The template itself when given with its nginx.conf quoting: single-quoted strings, which nginx
 * joins (`'$remote_addr - ... "$request" ' '$status ...'`), optionally with the `log_format name`
 * directive and `;` around them. Anything else is returned as it is.
 */
function unquoteConfTemplate(given: string): string {
  let text = given.trim().replace(LOG_FORMAT_DIRECTIVE, '');
  if (text.endsWith(';')) text = text.slice(0, -1).trimEnd();
  if (!text.startsWith("'") || !text.endsWith("'")) return given;
  let joined = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] !== "'") return given;
    let close = i + 1;
    while (close < text.length && text[close] !== "'") close += text[close] === '\\' ? 2 : 1;
    if (close >= text.length) return given;
    joined += text.slice(i + 1, close).replace(/\\(['"\\])/g, '$1');
    i = close + 1;
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  }
  return joined;
}

/** Compiles a log_format template; throws VIGIL_CONFIG_INVALID when it cannot be parsed back. */
function compileLogFormat(given: string): Step[] {
  const template = unquoteConfTemplate(given);
  const parts: Array<{ literal: string } | { variable: string }> = [];
  let literal = '';
  for (let i = 0; i < template.length; ) {
    if (template[i] !== '$') {
      literal += template[i];
      i++;
      continue;
    }
    const { name, end } = readVariable(template, i);
    if (literal !== '') parts.push({ literal });
    literal = '';
    parts.push({ variable: name });
    i = end;
  }
  if (literal !== '') parts.push({ literal });
  if (!parts.some((p) => 'variable' in p && (p.variable === 'status' || p.variable === 'request' || p.variable === 'request_uri' || p.variable === 'uri'))) {
    throw invalid('must log $status and the request ($request, or $request_method with $request_uri)');
  }
  return parts.map((part, i) => {
    if ('literal' in part) return part;
    const before = parts[i - 1];
    const after = parts[i + 1];
    if (after !== undefined && 'variable' in after) throw invalid(`has $${part.variable} and $${after.variable} with nothing between them`);
    const quoted = before !== undefined && 'literal' in before && before.literal.endsWith('"') && after !== undefined && after.literal.startsWith('"');
    return { variable: part.variable, quoted, until: after === undefined ? '' : after.literal };
  });
}

function runSteps(steps: readonly Step[], line: string, raw: RawAccess, headers: Map<string, string>): RawResult | undefined {
  let pos = 0;
  for (const step of steps) {
    if ('literal' in step) {
      if (!line.startsWith(step.literal, pos)) return reject('format_mismatch', `expected "${step.literal}" at column ${pos + 1}`);
      pos += step.literal.length;
      continue;
    }
    const end = step.until === '' ? line.length : step.quoted ? findClosingQuote(line, pos) : line.indexOf(step.until, pos);
    if (end === -1) return reject('format_mismatch', `no end for $${step.variable}`);
    const value = line.slice(pos, end);
    applyNginxVariable(raw, step.variable, step.quoted ? unescapeLogString(value) : value, headers);
    pos = end;
  }
  return pos === line.length ? undefined : reject('format_mismatch', `unexpected text at column ${pos + 1}`);
}

export function createNginxLogFormat(template: string): FormatParser {
  const steps = compileLogFormat(template);
  const firstLiteral = steps.find((s): s is { literal: string } => 'literal' in s)?.literal ?? '';
  return {
    name: 'nginx-custom',
    sniffLine: (line) => line.indexOf(firstLiteral) !== -1,
    parseLine(line: string): RawResult {
      const raw = newRawAccess('nginx');
      const headers = new Map<string, string>();
      const mismatch = runSteps(steps, line, raw, headers);
      if (mismatch !== undefined) return mismatch;
      if (headers.size > 0) raw.header = (name) => headers.get(name);
      return raw;
    },
  };
}
