// One parser per format name, built on first use from the shared parser options, so a request's
// ?format= and each input's own format share normalization settings (routes, redaction, identity).

import { VigilError, isVigilError } from '@vigil/contract';
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

/**
 * Builds, at start-up, the parser of every format an input is configured with (undefined: the
 * default, VIGIL_FORMAT). Parsers are otherwise built on first use, so a VIGIL_NGINX_LOG_FORMAT
 * without $status, VIGIL_FORMAT=nginx-custom without a template or VIGIL_FILE_FORMAT=nginxx let
 * Vigil start and then failed every request (500) or batch of lines. Throws VIGIL_CONFIG_INVALID
 * naming the variable instead.
 */
export function checkInputFormats(parsers: ParserRegistry, formats: ReadonlyArray<readonly [variable: string, format: string | undefined]>): void {
  for (const [variable, format] of formats) {
    try {
      parsers.parserFor(format);
    } catch (error) {
      if (!isVigilError(error, 'VIGIL_CONTRACT_INVALID')) throw error;
      throw new VigilError('VIGIL_CONFIG_INVALID', `${variable}: ${error.message}, e.g. ${variable}=nginx`, { cause: error });
    }
  }
}
