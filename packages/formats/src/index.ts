// Gateway access-log parsers (nginx, Apache, Envoy, Kong, AWS API Gateway, ALB and CloudFront, Traefik,
// HAProxy, Caddy, JSON) and the normalization that turns each line into an ApiAccessEvent.

export { createEventParser, DEFAULT_MAX_LINE_LENGTH } from './event-parser';
export { FORMAT_NAMES } from './types';
export { forEachLineInBlocks } from './text-blocks';
export type {
  EventParser,
  EventParserOptions,
  FormatName,
  NormalizeOptions,
  ParseContext,
  ParseResult,
  Rejection,
} from './types';
export { DEFAULT_NORMALIZE_OPTIONS } from './normalize/normalizer';
export { DEFAULT_REDACT_QUERY_PARAMS } from './normalize/redact-query';
export { eventParserOptionsFromConfig } from './options-from-config';
export type { FormatsConfig } from './options-from-config';
