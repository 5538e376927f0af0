// Absolute-form request targets (`GET https://api.example.com/users/1 HTTP/2.0`): what forward
// proxies log, what HAProxy logs for HTTP/2 (it rebuilds the URI from :scheme and :authority), what
// ALB always logs and what scanners probing for open proxies send. The event keeps the path: the
// scheme and authority are no part of it, and the userinfo of the authority is often a credential.

import { authorityEnd, userinfoEnd } from './redact-query';

/** Whether target[0, end) is a URI scheme: a letter, then letters, digits, `+`, `-` or `.`. */
function isScheme(target: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = target.charCodeAt(i) | 32;
    const letter = c >= 97 && c <= 122;
    if (!(letter || (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)))) return false;
  }
  return end > 0;
}

/** Where the authority of an absolute-form target starts (just after `://`); -1 for any other target. */
function authorityStart(target: string): number {
  // Origin-form targets, nearly all of them, are told by their first character.
  if (target.charCodeAt(0) === 47) return -1;
  const scheme = target.indexOf('://');
  return scheme > 0 && scheme <= 16 && isScheme(target, scheme) ? scheme + 3 : -1;
}

/**
 * The path and what follows it (`?query`) of an absolute-form target, `/` when it has no path
 * (`http://host`, `http://host?q`); any other target is returned as it is.
 */
export function originFormOf(target: string): string {
  const from = authorityStart(target);
  if (from === -1) return target;
  const end = authorityEnd(target, from);
  const rest = target.slice(end);
  return rest.charCodeAt(0) === 47 ? rest : `/${rest}`;
}

/** The host of an absolute-form target, without userinfo and port; undefined for any other target. */
export function hostOfAbsoluteTarget(target: string): string | undefined {
  const from = authorityStart(target);
  if (from === -1) return undefined;
  const end = authorityEnd(target, from);
  const at = userinfoEnd(target, from, end);
  const authority = target.slice(at === -1 ? from : at + 1, end);
  const close = authority.lastIndexOf(']');
  const colon = authority.lastIndexOf(':');
  const host = colon > close ? authority.slice(0, colon) : authority;
  return host === '' ? undefined : host;
}
