// The parser options of the collector: default format and normalization come from the formats
// settings (formatsSchema, shared with `vigil replay`); framing caps lines in bytes from the same limit.

import { formatsSchema, loadConfig, type Env } from '@vigil/config';
import { eventParserOptionsFromConfig, type FormatName } from '@vigil/formats';
import type { ParserOptionsBase } from './transforms/parser-registry';

/** UTF-8 takes at most 4 bytes per character: a line within the character limit always fits. */
const MAX_BYTES_PER_CHARACTER = 4;

export interface ParserSettings {
  defaultFormat: FormatName | 'auto';
  options: ParserOptionsBase;
  /** Framing cap: longer lines are rejected as line_too_long before they are decoded. */
  maxLineBytes: number;
}

export function parserSettings(env: Env): ParserSettings {
  const { format, ...options } = eventParserOptionsFromConfig(loadConfig(formatsSchema, env));
  return { defaultFormat: format, options, maxLineBytes: (options.maxLineLength ?? 65_536) * MAX_BYTES_PER_CHARACTER };
}
