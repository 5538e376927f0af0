// Ingests gateway logs over HTTP, syslog, file tail and stdin; parses, normalizes, redacts, publishes events.

export { startCollector } from './start-collector';
export type { CollectorRuntimeOptions, RunningCollector } from './start-collector';
export { utf16ByteOrder, withoutByteOrderMark } from './transforms/byte-order-mark';
export { DecompressionBudget, isGzip, unwrapEnvelope } from './transforms/envelopes';
export type { EnvelopePiece } from './transforms/envelopes';
