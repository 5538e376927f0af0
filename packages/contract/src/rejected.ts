// RejectedInput: a line or record Vigil could not turn into an event, kept with its reason (v1).

export const REJECTION_REASONS = [
  'empty_line',
  'line_too_long',
  'invalid_utf8',
  'format_mismatch',
  'invalid_json',
  'missing_field',
  'invalid_timestamp',
  'invalid_status',
  'invalid_request_line',
  'not_an_access_log',
  'unknown_format',
  'invalid_envelope',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface RejectedInput {
  v: 1;
  /** Wall-clock time the collector rejected it, epoch ms. */
  receivedAt: number;
  /** Where it came from: http, syslog-udp, syslog-tcp, file:<path>, stdin. */
  source: string;
  /** Format that was tried ("auto" when detection failed). */
  format: string;
  reason: RejectionReason;
  /** Human detail, e.g. the missing field's name. */
  detail?: string;
  /** Raw input, truncated to at most 1024 characters, with credentials replaced by REDACTED. */
  sample: string;
}

export const REJECTED_SAMPLE_MAX = 1024;

/**
 * The JSON text of a decoded value, for a rejection's sample. JSON.parse reads any depth, but
 * JSON.stringify recurses and throws on a value nested some thousands deep: a record a client
 * can send, which must cost that record alone, not the batch around it.
 */
export function jsonSample(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    if (error instanceof RangeError) return '(JSON nested too deeply to show)';
    throw error;
  }
}

export function truncateSample(raw: string): string {
  return raw.length <= REJECTED_SAMPLE_MAX ? raw : `${raw.slice(0, REJECTED_SAMPLE_MAX - 1)}…`;
}
