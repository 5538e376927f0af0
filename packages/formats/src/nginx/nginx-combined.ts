// nginx `combined` (and the identical Apache combined/common syntax): the CLF scanner, labelled with
// the gateway that wrote it.

import type { GatewayKind } from '@vigil/contract';
import { endsWithMs, looksLikeClf, scanClf } from '../internal/clf-scanner';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import type { FormatName } from '../types';

export function createClfFormat(name: FormatName, gateway: GatewayKind): FormatParser {
  const sniffLineAt = (text: string, start: number, end: number) => looksLikeClf(text, start, end) && !endsWithMs(text, start, end);
  const parseLineAt = (text: string, start: number, end: number): RawResult => {
    const raw = newRawAccess(gateway);
    const scanned = scanClf(text, start, end, raw);
    return typeof scanned === 'number' ? raw : scanned;
  };
  return {
    name,
    sniffLine: (line) => sniffLineAt(line, 0, line.length),
    parseLine: (line) => parseLineAt(line, 0, line.length),
    sniffLineAt,
    parseLineAt,
  };
}
