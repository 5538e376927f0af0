// Bearer-token authentication. Comparison hashes both sides first, so the time taken depends
// neither on where the strings differ nor on the configured tokens' lengths, and every
// configured token is checked so timing does not reveal which one matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

export function tokenMatches(candidate: string | undefined, tokens: readonly string[]): boolean {
  if (candidate === undefined || candidate === '') return false;
  const candidateDigest = sha256(candidate);
  let matched = false;
  for (const token of tokens) {
    // An empty configured token must never admit an empty or missing credential.
    const equal = timingSafeEqual(candidateDigest, sha256(token)) && token !== '';
    matched = equal || matched;
  }
  return matched;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
