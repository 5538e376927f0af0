// createEventParser: line checks (empty, too long, invalid UTF-8), wrapper stripping (syslog,
// container runtime, Docker/Kubernetes JSON), format dispatch (named, or `auto` with the last match
// tried first), then normalization into an ApiAccessEvent.

import { VigilError } from '@vigil/contract';
import type { FormatParser } from './internal/format-parser';
import { isRecord, type JsonRecord } from './internal/json-fields';
import { mayHaveLinePrefix, stripLinePrefixes } from './internal/line-prefixes';
import { classifyNonAccessLine, classifyNonAccessRecord } from './internal/non-access-lines';
import { isRejection, reject, type RawResult } from './internal/raw-access';
import { Normalizer } from './normalize/normalizer';
import { AUTO_DETECT_ORDER, FORMAT_REGISTRY } from './registry';
import { FORMAT_NAMES, type EventParser, type EventParserOptions, type ParseContext, type ParseResult, type Rejection } from './types';

export const DEFAULT_MAX_LINE_LENGTH = 65_536;

const REPLACEMENT_CHARACTER = '\uFFFD';
/**
 * U+FEFF, the UTF-8 byte order mark: what Windows tools and some exporters write before a file's or
 * a body's first line. Never part of a log line, so a line starting with one is read without it;
 * otherwise it becomes part of the client address and makes that client a different entity.
 */
const BYTE_ORDER_MARK = 0xfeff;

function isMismatch(result: RawResult): boolean {
  return isRejection(result) && result.reason === 'format_mismatch';
}

/** The text a Docker (`log`) or Kubernetes/Fluent Bit (`message`) JSON wrapper carries, if any. */
function wrappedLine(record: JsonRecord): string | undefined {
  const inner = typeof record.log === 'string' ? record.log : record.message;
  return typeof inner === 'string' && inner !== '' ? inner.replace(/\r?\n$/, '') : undefined;
}

/**
 * JSON.parse's message without the excerpt of the input V8 quotes in some (`Unexpected token 'B',
 * "{"a": Bearer abc"... is not valid JSON`): the detail is published with the rejection, and the
 * excerpt may hold a credential that no redaction can recognise out of its context.
 */
function jsonErrorDetail(error: unknown): string {
  const message = (error as Error).message;
  const excerpt = message.search(/, (\.\.\.)?"/);
  return excerpt === -1 ? message : `${message.slice(0, excerpt)}: not valid JSON`;
}

class FormatEventParser implements EventParser {
  readonly format: string;
  private readonly normalizer: Normalizer;
  private readonly maxLineLength: number;
  private readonly maxFutureMs: number;
  private readonly textParsers: FormatParser[];
  private readonly recordParsers: FormatParser[];
  private lastText: FormatParser | undefined;
  private lastRecord: FormatParser | undefined;
  private detected: string | undefined;

  constructor(options: EventParserOptions) {
    this.format = options.format;
    this.normalizer = new Normalizer(options.normalize);
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.maxFutureMs = options.maxFutureMs ?? Infinity;
    const parsers = this.buildParsers(options);
    this.textParsers = parsers.filter((p) => p.parseLine !== undefined);
    this.recordParsers = parsers.filter((p) => p.parseRecord !== undefined);
    if (options.format !== 'auto') this.detected = options.format;
  }

  private buildParsers(options: EventParserOptions): FormatParser[] {
    if (options.format === 'auto') {
      return AUTO_DETECT_ORDER.map((name) => FORMAT_REGISTRY[name](options)).filter((p): p is FormatParser => p !== undefined);
    }
    const factory = Object.hasOwn(FORMAT_REGISTRY, options.format) ? FORMAT_REGISTRY[options.format] : undefined;
    if (factory === undefined) {
      throw new VigilError('VIGIL_FORMAT_UNKNOWN', `unknown log format "${options.format}"; known: auto, ${FORMAT_NAMES.join(', ')}`);
    }
    const parser = factory(options);
    if (parser === undefined) {
      const needs = options.format === 'json' ? 'VIGIL_JSON_FIELD_MAP' : 'VIGIL_NGINX_LOG_FORMAT';
      const example =
        options.format === 'json'
          ? 'VIGIL_JSON_FIELD_MAP=time=ts,client.ip=remote,request.method=verb,request.path=uri,response.status=code,response.bytes=size'
          : `VIGIL_NGINX_LOG_FORMAT='$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'`;
      throw new VigilError('VIGIL_CONFIG_INVALID', `format ${options.format} needs ${needs} to be set, e.g. ${example}`);
    }
    return [parser];
  }

  lastDetected(): string | undefined {
    return this.detected;
  }

  redactSample(text: string, maxChars: number): string {
    // Cut before redacting: a rejected line may be 64 KiB.
    return text.length > maxChars ? `${this.normalizer.samples.redact(text.slice(0, maxChars))}…` : this.normalizer.samples.redact(text);
  }

  parseLine(logged: string, ctx: ParseContext): ParseResult {
    const line = logged.charCodeAt(0) === BYTE_ORDER_MARK ? logged.slice(1) : logged;
    const first = line.charCodeAt(0);
    if (line.length === 0 || (first <= 32 && line.trim() === '')) return reject('empty_line');
    if (line.length > this.maxLineLength) return reject('line_too_long', `${line.length} characters, limit ${this.maxLineLength}`);
    const trimmed = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    const result = this.finish(this.parseText(stripLinePrefixes(trimmed), true), ctx);
    // Bytes that are not UTF-8 inside a request or user agent are what the client sent (old Apache
    // logged them raw; worms send them): such a line still counts. Only when it does not parse is
    // the undecodable input named as the reason.
    return !result.ok && line.indexOf(REPLACEMENT_CHARACTER) !== -1 ? reject('invalid_utf8', result.reason) : result;
  }

  parseLineAt(text: string, start: number, end: number, ctx: ParseContext): ParseResult {
    const parser = this.format === 'auto' ? this.lastText : this.textParsers[0];
    const first = text.charCodeAt(start);
    // The common case read in place: a plain line in the format of the line before. Anything else,
    // and any line that would not become an event, takes the general path on its own copy, so both
    // paths give the same result for every line (a rejection on the fast path changes no state).
    if (
      parser?.parseLineAt !== undefined &&
      end - start <= this.maxLineLength &&
      first > 32 &&
      first !== 123 &&
      first !== BYTE_ORDER_MARK &&
      text.charCodeAt(end - 1) !== 13 &&
      !mayHaveLinePrefix(text, start, end) &&
      (this.format !== 'auto' || parser.sniffLineAt?.(text, start, end) === true)
    ) {
      const raw = parser.parseLineAt(text, start, end);
      if (!isRejection(raw) && raw.time <= ctx.receivedAt + this.maxFutureMs) {
        const result = this.normalizer.toEvent(raw);
        if (result.ok) return result;
      }
    }
    return this.parseLine(text.slice(start, end), ctx);
  }

  parseObject(record: unknown, ctx: ParseContext): ParseResult {
    if (!isRecord(record)) return reject('invalid_json', 'expected a JSON object');
    return this.finish(this.parseRecord(record, true), ctx);
  }

  private finish(raw: RawResult, ctx: ParseContext): ParseResult {
    if (isRejection(raw)) return raw;
    // Before normalizing: a rejected line must not take a place among the service's routes.
    if (raw.time > ctx.receivedAt + this.maxFutureMs) return this.futureRejection(raw.time, ctx.receivedAt);
    return this.normalizer.toEvent(raw);
  }

  private futureRejection(time: number, receivedAt: number): Rejection {
    const ahead = Math.round((time - receivedAt) / 1000);
    const at = (ms: number) => new Date(ms).toISOString();
    return reject('invalid_timestamp', `${at(time)} is ${ahead} s ahead of the clock (${at(receivedAt)}); the limit is VIGIL_MAX_FUTURE_SECONDS=${this.maxFutureMs / 1000}`);
  }

  private parseText(line: string, mayUnwrap: boolean): RawResult {
    if (line.charCodeAt(0) === 123) {
      let decoded: unknown;
      try {
        decoded = JSON.parse(line);
      } catch (error) {
        return reject('invalid_json', jsonErrorDetail(error));
      }
      return isRecord(decoded) ? this.parseRecord(decoded, mayUnwrap) : reject('invalid_json', 'expected a JSON object');
    }
    const result = this.format === 'auto' ? this.detectText(line) : this.namedText(line);
    return isMismatch(result) ? (classifyNonAccessLine(line) ?? result) : result;
  }

  private namedText(line: string): RawResult {
    const parser = this.textParsers[0];
    if (parser?.parseLine === undefined) return reject('format_mismatch', `${this.format} expects JSON records`);
    return parser.parseLine(line);
  }

  private detectText(line: string): RawResult {
    const last = this.lastText;
    if (last?.sniffLine?.(line)) {
      const result = (last.parseLine as (l: string) => RawResult)(line);
      if (!isMismatch(result)) return result;
    }
    for (const parser of this.textParsers) {
      if (parser === last || !parser.sniffLine?.(line)) continue;
      const result = (parser.parseLine as (l: string) => RawResult)(line);
      if (isMismatch(result)) continue;
      this.lastText = parser;
      this.detected = parser.name;
      return result;
    }
    return classifyNonAccessLine(line) ?? reject('unknown_format', 'no known access-log format matches');
  }

  private parseRecord(record: JsonRecord, mayUnwrap: boolean): RawResult {
    const parser = this.format === 'auto' ? this.detectRecord(record) : this.recordParsers[0];
    if (parser?.parseRecord !== undefined) return parser.parseRecord(record);
    const inner = mayUnwrap ? wrappedLine(record) : undefined;
    if (inner !== undefined) return this.parseText(stripLinePrefixes(inner), false);
    const nonAccess = classifyNonAccessRecord(record);
    if (nonAccess !== undefined) return nonAccess;
    return this.format === 'auto'
      ? reject('unknown_format', 'no known JSON access-log shape matches')
      : reject('format_mismatch', `${this.format} expects text lines`);
  }

  private detectRecord(record: JsonRecord): FormatParser | undefined {
    if (this.lastRecord?.sniffRecord?.(record)) return this.lastRecord;
    const parser = this.recordParsers.find((p) => p !== this.lastRecord && p.sniffRecord?.(record));
    if (parser !== undefined) {
      this.lastRecord = parser;
      this.detected = parser.name;
    }
    return parser;
  }
}

export function createEventParser(options: EventParserOptions): EventParser {
  return new FormatEventParser(options);
}
