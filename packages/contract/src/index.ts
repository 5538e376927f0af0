// The contract between Vigil services: versioned records, their validation, and VigilError.

export { ERROR_CODES, VigilError, isVigilError } from './errors';
export type { VigilErrorCode, VigilErrorOptions } from './errors';
export { GATEWAY_KINDS, NO_RESPONSE_STATUS, serviceLabel, UNNAMED_SERVICE, UNNAMED_SERVICE_HINT } from './event';
export type { ApiAccessEvent, GatewayKind } from './event';
export { ANOMALY_STATES, ENTITY_KINDS, SEVERITIES } from './anomaly';
export type { Anomaly, AnomalyState, EntityKind, RankedKey, Severity } from './anomaly';
export { jsonSample, REJECTED_SAMPLE_MAX, REJECTION_REASONS, truncateSample } from './rejected';
export type { RejectedInput, RejectionReason } from './rejected';
export { parseJson, validateAnomaly, validateApiAccessEvent, validateRejectedInput } from './validate';
export { EVENT_TABLE_COLUMNS, encodeEventTable } from './event-table';
export {
  ENCODING_EVENT_BATCH,
  ENCODING_EVENT_TABLE,
  ENCODING_HEADER,
  ENCODING_SINGLE,
  decodeEvents,
  encodeEventBatch,
} from './codec';
export type { Encoding } from './codec';
export { COMPACTED_TOPICS, TOPICS, topicName } from './topics';
export type { TopicRole } from './topics';
