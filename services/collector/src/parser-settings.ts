// The parser options of the collector: the default format and normalization settings, from the
// formats part of the configuration, with the collector's own line cap.

import type { Env } from '@vigil/config';
import type { EventParserOptions, FormatName } from '@vigil/formats';
import type { ParserOptionsBase } from './transforms/parser-registry';

export interface ParserSettings {
  defaultFormat: FormatName | 'auto';
  options: ParserOptionsBase;
}

// TODO(#3): read VIGIL_FORMAT and the normalization variables through formatsSchema once it lands.
export function parserSettings(_env: Env, maxLineBytes: number): ParserSettings {
  const options: Omit<EventParserOptions, 'format'> = { maxLineLength: maxLineBytes };
  return { defaultFormat: 'auto', options };
}
