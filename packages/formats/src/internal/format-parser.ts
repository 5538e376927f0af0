// The shape every format folder implements: a cheap sniff for auto-detection and a parse into
// RawAccess, for text lines, decoded JSON records, or both.

import type { EventParserOptions, FormatName } from '../types';
import type { JsonRecord } from './json-fields';
import type { RawResult } from './raw-access';

export interface FormatParser {
  readonly name: FormatName;
  /** True when a prefix-stripped text line looks like this format (no full parse). */
  sniffLine?(line: string): boolean;
  sniffRecord?(record: JsonRecord): boolean;
  parseLine?(line: string): RawResult;
  /**
   * The line text[start, end) inside a larger text, read in place: the same as
   * parseLine(text.slice(start, end)) without cutting the line out. Formats that have it are the
   * ones whose lines are worth reading without a copy; the others are given the slice.
   */
  sniffLineAt?(text: string, start: number, end: number): boolean;
  parseLineAt?(text: string, start: number, end: number): RawResult;
  parseRecord?(record: JsonRecord): RawResult;
}

/** Builds a format from the options; undefined when the format needs options that are not set. */
export type FormatFactory = (options: EventParserOptions) => FormatParser | undefined;
