// nginx `combined` (and the identical Apache combined/common syntax): the CLF scanner, labelled with
// the gateway that wrote it. A line with fields after the user agent has them read as the common
// variants write them (nginx-tail.ts); a plain combined line costs nothing more for it.

import type { GatewayKind } from '@vigil/contract';
import { endsWithMs, looksLikeClf, scanClf } from '../internal/clf-scanner';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import type { FormatName } from '../types';
import { readNginxTail } from './nginx-tail';

export function createClfFormat(name: FormatName, gateway: GatewayKind): FormatParser {
  const sniffLineAt = (text: string, start: number, end: number) => looksLikeClf(text, start, end) && !endsWithMs(text, start, end);
  const parseLineAt = (text: string, start: number, end: number): RawResult => {
    const raw = newRawAccess(gateway);
    const scanned = scanClf(text, start, end, raw);
    if (typeof scanned !== 'number') return scanned;
    if (scanned < end) readNginxTail(text, scanned, end, raw);
    return raw;
  };
  return {
    name,
    sniffLine: (line) => sniffLineAt(line, 0, line.length),
    parseLine: (line) => parseLineAt(line, 0, line.length),
    sniffLineAt,
    parseLineAt,
  };
}
