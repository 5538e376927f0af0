// Items → events and rejections through the shared @vigil/formats parser. A bad item becomes a
// RejectedInput (reason, source, truncated and redacted sample) and the batch goes on with the rest.

import type { ApiAccessEvent, RejectedInput } from '@vigil/contract';
import { REJECTED_SAMPLE_MAX, truncateSample } from '@vigil/contract';
import type { EventParser, ParseContext, ParseResult } from '@vigil/formats';
import { itemSample, type IngestItem } from './ingest-item';

export interface ParsedItems {
  events: ApiAccessEvent[];
  rejections: RejectedInput[];
}

function parseItem(item: IngestItem, parser: EventParser, ctx: ParseContext): ParseResult {
  switch (item.kind) {
    case 'span':
      return parser.parseLineAt(item.text, item.start, item.end, ctx);
    case 'line':
      return parser.parseLine(item.text, ctx);
    case 'object':
      return parser.parseObject(item.value, ctx);
    case 'invalid':
      return { ok: false, reason: item.reason, ...(item.detail === undefined ? {} : { detail: item.detail }) };
  }
}

export function parseItems(items: readonly IngestItem[], parser: EventParser, source: string, receivedAt: number): ParsedItems {
  const ctx = { source, receivedAt };
  const events: ApiAccessEvent[] = [];
  const rejections: RejectedInput[] = [];
  for (const item of items) {
    const result = parseItem(item, parser, ctx);
    if (result.ok) {
      events.push(result.event);
      continue;
    }
    rejections.push({
      v: 1,
      receivedAt,
      source,
      format: parser.format,
      reason: result.reason,
      // A detail may quote the line (the text of a bad timestamp or status): redacted as the sample is.
      ...(result.detail === undefined ? {} : { detail: truncateSample(parser.redactSample(result.detail, REJECTED_SAMPLE_MAX)) }),
      // The contract's limit holds even where REDACTED made the sample longer.
      sample: truncateSample(parser.redactSample(itemSample(item), REJECTED_SAMPLE_MAX)),
    });
  }
  return { events, rejections };
}
