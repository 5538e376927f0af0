// Traefik's ClientHost is the address of the peer, except that when a request carries an
// X-Forwarded-For header (kept only from peers Traefik's forwardedHeaders trust) Traefik logs that
// header instead, verbatim: often a list such as "203.0.113.7, 10.0.0.50". A list is the chain of
// hops; its last entry is the nearest one, so it becomes the X-Forwarded-For the normalizer walks
// from the right (past VIGIL_TRUSTED_PROXIES), with no separate peer.

import type { RawAccess } from '../internal/raw-access';

export function setClientHost(raw: RawAccess, clientHost: string | undefined): void {
  if (clientHost !== undefined && clientHost.indexOf(',') !== -1) {
    raw.peerIp = undefined;
    raw.forwardedFor = clientHost;
  } else {
    raw.peerIp = clientHost;
  }
}
