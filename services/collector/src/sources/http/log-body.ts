// A POST /v1/logs body → items, whatever the shipper sent: a JSON array (Fluent Bit json, Kong
// batches), one JSON object (Kong http-log), NDJSON (Vector, Fluent Bit json_lines) or raw text
// lines. The shape is read from the body itself; the log format is the parser's business. A JSON
// record that is an envelope (a CloudWatch Logs subscription payload, a records envelope) stands
// for the log bodies it carries, each read as a body of its own.

import { VigilError } from '@vigil/contract';
import { withoutByteOrderMark } from '../../transforms/byte-order-mark';
import { unwrapEnvelope, type DecompressionBudget, type EnvelopePiece } from '../../transforms/envelopes';
import { itemFromJson, itemsFromLines, tryParseJson, type IngestItem } from '../../transforms/ingest-item';

export interface LogBodyLimits {
  maxLineBytes: number;
  /** Most items one body may yield; more is VIGIL_INPUT_TOO_LARGE (the client should split). */
  maxItems: number;
  /** JSON fields holding a wrapped raw line (Fluent Bit "log", Vector "message"). */
  messageKeys: readonly string[];
}

function firstNonSpace(body: Buffer): number | undefined {
  for (const byte of body) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte;
  }
  return undefined;
}

class ItemCollector {
  readonly items: IngestItem[] = [];
  constructor(
    private readonly limits: LogBodyLimits,
    private readonly envelopes: DecompressionBudget | undefined,
  ) {}

  add(item: IngestItem | undefined): void {
    if (item === undefined) return;
    const pieces = this.envelopes !== undefined && item.kind === 'object' ? unwrapEnvelope(item.value, this.envelopes) : undefined;
    if (pieces === undefined) this.push(item);
    else for (const inner of itemsFromPieces(pieces, this.limits)) this.push(inner);
  }

  private push(item: IngestItem): void {
    if (this.items.length >= this.limits.maxItems) {
      throw new VigilError('VIGIL_INPUT_TOO_LARGE', `request carries more than ${this.limits.maxItems} lines or records; split it (VIGIL_INGEST_MAX_LINES)`);
    }
    this.items.push(item);
  }
}

/**
 * Items of a body. With `envelopes`, the budget for what gzip'd envelope data may inflate to, JSON
 * records that are envelopes are unwrapped (one level: what an envelope carries is not unwrapped
 * again). Throws VIGIL_INPUT_TOO_LARGE past a limit.
 */
export function decodeLogBody(sent: Buffer, limits: LogBodyLimits, envelopes?: DecompressionBudget): IngestItem[] {
  const body = withoutByteOrderMark(sent);
  const out = new ItemCollector(limits, envelopes);
  const first = firstNonSpace(body);
  if (first === 0x5b /* [ */ || first === 0x7b /* { */) {
    // A whole-body JSON value; if it does not parse, it may still be NDJSON or text lines
    // that happen to start with a bracket (e.g. a log_format beginning with [$time_local]).
    const json = tryParseJson(body.toString('utf8'));
    if (json !== undefined && Array.isArray(json.value)) {
      for (const element of json.value) out.add(itemFromJson(element, limits.messageKeys));
      return out.items;
    }
    if (json !== undefined && first === 0x7b) {
      out.add(itemFromJson(json.value, limits.messageKeys));
      return out.items;
    }
  }
  // NDJSON or text lines: object lines are decoded here so the parser gets records, and wrapped lines get unwrapped.
  itemsFromLines(body, limits.maxLineBytes, (item) => out.add(item), limits.messageKeys);
  return out.items;
}

/** The items of what an envelope carried: each body decoded as a body of its own, each bad part an invalid_envelope item. */
export function itemsFromPieces(pieces: readonly EnvelopePiece[], limits: LogBodyLimits): IngestItem[] {
  return pieces.flatMap((piece): IngestItem[] =>
    piece.kind === 'body' ? decodeLogBody(piece.bytes, limits) : [{ kind: 'invalid', reason: 'invalid_envelope', sample: piece.sample, detail: piece.detail }],
  );
}
