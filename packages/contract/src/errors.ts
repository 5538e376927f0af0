// One error type for everything Vigil throws: callers match on `code`, never on message text.
// docs/errors.md lists every code; a test keeps the two in sync.

export const ERROR_CODES = {
  VIGIL_CONFIG_INVALID: 'One or more environment variables are invalid; start-up stops.',
  VIGIL_CONTRACT_INVALID: 'A record on a Kafka topic or an API body does not match the versioned contract.',
  VIGIL_KAFKA_UNAVAILABLE: 'The Kafka cluster cannot be reached or refused a request.',
  VIGIL_KAFKA_TOPIC: 'A topic could not be created or has the wrong settings.',
  VIGIL_BACKPRESSURE: 'The collector buffer is full because Kafka is slow or down; retry later.',
  VIGIL_INPUT_TOO_LARGE: 'A request body, decompressed body or line exceeds the configured limit.',
  VIGIL_UNAUTHORIZED: 'A request carried no valid token.',
  VIGIL_RATE_LIMITED: 'A client exceeded its request rate; retry after the given delay.',
  VIGIL_FORMAT_UNKNOWN: 'A log format name is not one Vigil knows.',
  VIGIL_CLI_USAGE: 'The vigil command was called with wrong arguments.',
  VIGIL_BROKER_START: 'The local test broker could not be resolved or started.',
  VIGIL_STATE_INVALID: 'A detector checkpoint could not be decoded.',
  VIGIL_SHUTDOWN: 'The component is shutting down and refuses new work.',
} as const;

export type VigilErrorCode = keyof typeof ERROR_CODES;

export interface VigilErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class VigilError extends Error {
  readonly code: VigilErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: VigilErrorCode, message: string, options: VigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

export function isVigilError(error: unknown, code?: VigilErrorCode): error is VigilError {
  return error instanceof VigilError && (code === undefined || error.code === code);
}
