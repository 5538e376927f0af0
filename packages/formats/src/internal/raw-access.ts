// RawAccess: what a format extracts from one line or record, before normalization turns it into an
// ApiAccessEvent. Formats fill what their syntax carries and leave the rest undefined.

import type { GatewayKind, RejectionReason } from '@vigil/contract';
import type { Rejection } from '../types';

export interface RawAccess {
  gateway: GatewayKind;
  /** Epoch ms; NaN when the log carried no usable time. */
  time: number;
  service: string | undefined;
  /** Address of the direct peer of the gateway (may carry a port or brackets). */
  peerIp: string | undefined;
  /** X-Forwarded-For as logged. */
  forwardedFor: string | undefined;
  /** Consumer or API-key id the gateway authenticated. */
  clientId: string | undefined;
  userAgent: string | undefined;
  method: string | undefined;
  /** Request target, path and optional `?query`, already unescaped. */
  target: string | undefined;
  /** Query string logged apart from the path. */
  query: string | undefined;
  /** Route template the gateway itself knows (API Gateway resourcePath). */
  route: string | undefined;
  requestId: string | undefined;
  protocol: string | undefined;
  /** NaN when missing. */
  status: number;
  bytes: number;
  latencyMs: number | undefined;
  upstreamLatencyMs: number | undefined;
  /** Request headers, for a configured client-id header; lower-case names. */
  header: ((name: string) => string | undefined) | undefined;
  /** The decoded JSON record, for a configured client-id field. */
  record: Record<string, unknown> | undefined;
}

export type RawResult = RawAccess | Rejection;

export function newRawAccess(gateway: GatewayKind): RawAccess {
  return {
    gateway,
    time: Number.NaN,
    service: undefined,
    peerIp: undefined,
    forwardedFor: undefined,
    clientId: undefined,
    userAgent: undefined,
    method: undefined,
    target: undefined,
    query: undefined,
    route: undefined,
    requestId: undefined,
    protocol: undefined,
    status: Number.NaN,
    bytes: 0,
    latencyMs: undefined,
    upstreamLatencyMs: undefined,
    header: undefined,
    record: undefined,
  };
}

export function reject(reason: RejectionReason, detail?: string): Rejection {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

export function isRejection(result: RawResult): result is Rejection {
  return (result as Rejection).ok === false;
}
