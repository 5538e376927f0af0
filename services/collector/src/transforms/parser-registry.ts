// One parser per format name, built on first use from the shared parser options, so a request's
// ?format= and each input's own format share normalization settings (routes, redaction, identity).

import { VigilError } from '@vigil/contract';
import { FORMAT_NAMES, createEventParser, type EventParser, type EventParserOptions, type FormatName } from '@vigil/formats';

export type ParserOptionsBase = Omit<EventParserOptions, 'format'>;

const KNOWN_FORMATS: ReadonlySet<string> = new Set(['auto', ...FORMAT_NAMES]);

function isKnownFormat(name: string): name is FormatName | 'auto' {
  return KNOWN_FORMATS.has(name);
}

export class ParserRegistry {
  private readonly parsers = new Map<string, EventParser>();

  constructor(
    private readonly base: ParserOptionsBase,
    readonly defaultFormat: FormatName | 'auto',
  ) {}

  /** The parser for a format name (default when undefined); unknown names are VIGIL_CONTRACT_INVALID. */
  parserFor(name: string | undefined): EventParser {
    const format = (name ?? this.defaultFormat).trim().toLowerCase();
    if (!isKnownFormat(format)) {
      throw new VigilError(
        'VIGIL_CONTRACT_INVALID',
        `unknown log format "${format.slice(0, 40)}"; use auto or one of ${FORMAT_NAMES.join(', ')}`,
      );
    }
    let parser = this.parsers.get(format);
    if (parser === undefined) {
      parser = createEventParser({ ...this.base, format });
      this.parsers.set(format, parser);
    }
    return parser;
  }
}
