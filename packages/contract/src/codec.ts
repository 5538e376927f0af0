// Wire encodings on Kafka. events.v1 packs many events of one partition into one record
// (kafkajs pays per record, not per byte: see DESIGN.md); a header names the encoding.

import { VigilError } from './errors';
import type { ApiAccessEvent } from './event';
import { decodeEventTable, looksLikeEventTable } from './event-table';
import { parseJson, validateApiAccessEvent } from './validate';

export const ENCODING_HEADER = 'vigil-encoding';
/** Events of one partition, in order, as a table with a string table (see event-table.ts). */
export const ENCODING_EVENT_TABLE = 'json-table-v1';
/** A JSON array of events, all of one partition, in order. */
export const ENCODING_EVENT_BATCH = 'json-batch-v1';
/** One JSON object per record, for outside consumers. */
export const ENCODING_SINGLE = 'json-v1';

export type Encoding = typeof ENCODING_EVENT_TABLE | typeof ENCODING_EVENT_BATCH | typeof ENCODING_SINGLE;

export function encodeEventBatch(events: readonly ApiAccessEvent[]): string {
  return JSON.stringify(events);
}

/** Decodes an events.v1 record value into validated events, whatever its encoding header. */
export function decodeEvents(value: string | Uint8Array, encoding: string | undefined): ApiAccessEvent[] {
  const parsed = parseJson('events record', value);
  if (encoding === ENCODING_EVENT_TABLE || (encoding === undefined && looksLikeEventTable(parsed))) return decodeEventTable(parsed);
  if (encoding === ENCODING_EVENT_BATCH || (encoding === undefined && Array.isArray(parsed))) {
    if (!Array.isArray(parsed)) {
      throw new VigilError('VIGIL_CONTRACT_INVALID', 'events record: json-batch-v1 value must be a JSON array', {
        details: { field: '(root)' },
      });
    }
    return parsed.map(validateApiAccessEvent);
  }
  if (encoding !== undefined && encoding !== ENCODING_SINGLE) {
    throw new VigilError('VIGIL_CONTRACT_INVALID', `events record: unknown ${ENCODING_HEADER} "${encoding}" (this version reads ${KNOWN_ENCODINGS.join(', ')}; upgrade the consumer)`, {
      details: { field: ENCODING_HEADER },
    });
  }
  return [validateApiAccessEvent(parsed)];
}

const KNOWN_ENCODINGS: readonly Encoding[] = [ENCODING_EVENT_TABLE, ENCODING_EVENT_BATCH, ENCODING_SINGLE];
