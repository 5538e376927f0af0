// Which address is the client: the direct peer, unless that peer is a trusted proxy, in which case
// X-Forwarded-For is walked from the right past every trusted hop. When the log has no peer (Envoy's
// default format) the rightmost X-Forwarded-For entry stands in for it.

import { bareIp, type CidrSet } from './cidr';

export function resolveClientIp(peer: string | undefined, forwardedFor: string | undefined, trusted: CidrSet): string {
  const noHops = forwardedFor === undefined || forwardedFor === '' || forwardedFor === '-';
  // Most logs carry no X-Forwarded-For, or trust no proxy: no list of hops to build then.
  if (peer !== undefined && peer !== '-' && (noHops || trusted.size === 0)) {
    const ip = bareIp(peer);
    return ip === '' ? '-' : ip;
  }
  const hops = noHops ? [] : forwardedFor.split(',');
  let candidate = peer === undefined || peer === '-' ? undefined : bareIp(peer);
  let next = hops.length - 1;
  if (candidate === undefined) {
    if (next < 0) return '-';
    candidate = bareIp(hops[next--] as string);
  }
  while (next >= 0 && trusted.has(candidate)) {
    const hop = bareIp(hops[next--] as string);
    if (hop !== '' && hop !== '-' && hop !== 'unknown') candidate = hop;
  }
  return candidate === '' ? '-' : candidate;
}
