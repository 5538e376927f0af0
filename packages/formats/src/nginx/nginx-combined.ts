// nginx `combined` (and the identical Apache combined/common syntax): the CLF scanner, labelled with
// the gateway that wrote it.

import type { GatewayKind } from '@vigil/contract';
import { endsWithMs, looksLikeClf, scanClf } from '../internal/clf-scanner';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import type { FormatName } from '../types';

export function createClfFormat(name: FormatName, gateway: GatewayKind): FormatParser {
  return {
    name,
    sniffLine: (line) => looksLikeClf(line) && !endsWithMs(line),
    parseLine(line: string): RawResult {
      const raw = newRawAccess(gateway);
      const scanned = scanClf(line, raw);
      return typeof scanned === 'number' ? raw : scanned;
    },
  };
}
