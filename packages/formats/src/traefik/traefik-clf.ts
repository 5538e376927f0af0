// Traefik's CLF access log: combined, then `<request count> "<router>" "<service url>" <duration>ms`.

import { endsWithMs, looksLikeClf, scanClf } from '../internal/clf-scanner';
import { FieldReader, present } from '../internal/field-reader';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { setClientHost } from './client-host';

/** Traefik v3 logs a chain `root@docker -> leaf@docker`; the leaf router served the request. */
function leafRouter(router: string | undefined): string | undefined {
  if (router === undefined) return undefined;
  const arrow = router.lastIndexOf(' -> ');
  return arrow === -1 ? router : router.slice(arrow + 4);
}

export function createTraefikClfFormat(): FormatParser {
  return {
    name: 'traefik',
    sniffLine: (line) => endsWithMs(line) && looksLikeClf(line),
    parseLine(line: string): RawResult {
      const raw = newRawAccess('traefik');
      const tail = scanClf(line, 0, line.length, raw);
      if (typeof tail !== 'number') return tail;
      setClientHost(raw, raw.peerIp);
      const fields = new FieldReader(line, tail);
      fields.next();
      raw.service = leafRouter(present(fields.next()));
      fields.next();
      const duration = fields.next();
      if (duration === undefined || !duration.endsWith('ms')) return reject('missing_field', 'duration');
      const ms = Number(duration.slice(0, -2));
      raw.latencyMs = Number.isFinite(ms) ? ms : undefined;
      return raw;
    },
  };
}
