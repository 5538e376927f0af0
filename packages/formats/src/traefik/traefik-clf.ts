// Traefik's CLF access log: combined, then `<request count> "<router>" "<service url>" <duration>ms`.
// Those fields are read from the end of the line: the referer and user agent before them come from
// the client, and Traefik versions up to at least 3.3 wrote their quotes unescaped (`"foo " bar"`).

import { endsWithMs, looksLikeClf, scanClf } from '../internal/clf-scanner';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawAccess, type RawResult } from '../internal/raw-access';
import type { Rejection } from '../types';
import { setClientHost } from './client-host';

/** Traefik v3 logs a chain `root@docker -> leaf@docker`; the leaf router served the request. */
function leafRouter(router: string): string | undefined {
  const arrow = router.lastIndexOf(' -> ');
  const leaf = arrow === -1 ? router : router.slice(arrow + 4);
  return leaf === '-' || leaf === '' ? undefined : leaf;
}

/** Index of the `"` opening the quoted field whose closing quote is at `close`; -1 when there is none. */
function openingQuote(line: string, close: number): number {
  return line.charCodeAt(close) === 34 ? line.lastIndexOf('"', close - 1) : -1;
}

/**
 * Reads the router, duration and request count from the end of the line; `agentEnd` is where the
 * scanner found the user agent to end. Returns a rejection when the tail is not Traefik's.
 */
function readTail(line: string, agentEnd: number, raw: RawAccess): Rejection | undefined {
  const lastSpace = line.lastIndexOf(' ');
  const ms = Number(line.slice(lastSpace + 1, -2));
  const urlOpen = openingQuote(line, lastSpace - 1);
  const routerOpen = urlOpen > 1 && line.charCodeAt(urlOpen - 1) === 32 ? openingQuote(line, urlOpen - 2) : -1;
  const countStart = routerOpen > 0 ? line.lastIndexOf(' ', routerOpen - 2) + 1 : -1;
  if (!endsWithMs(line) || !Number.isFinite(ms) || routerOpen === -1 || countStart <= 0 || !/^\d+$/.test(line.slice(countStart, routerOpen - 1))) {
    return reject('missing_field', 'duration');
  }
  raw.latencyMs = ms;
  raw.service = leafRouter(line.slice(routerOpen + 1, urlOpen - 2));
  // A quote inside the user agent made the scanner end it early: it runs up to the request count.
  if (raw.userAgent !== undefined && agentEnd < countStart - 1 && line.charCodeAt(countStart - 2) === 34) {
    raw.userAgent = line.slice(line.lastIndexOf('"', agentEnd - 2) + 1, countStart - 2);
  }
  return undefined;
}

export function createTraefikClfFormat(): FormatParser {
  return {
    name: 'traefik',
    sniffLine: (line) => endsWithMs(line) && looksLikeClf(line),
    parseLine(line: string): RawResult {
      const raw = newRawAccess('traefik');
      const agentEnd = scanClf(line, 0, line.length, raw);
      if (typeof agentEnd !== 'number') return agentEnd;
      setClientHost(raw, raw.peerIp);
      return readTail(line, agentEnd, raw) ?? raw;
    },
  };
}
