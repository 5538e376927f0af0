// AWS Application Load Balancer access logs (space-separated, some fields quoted):
//   type time elb client:port target:port req_time target_time resp_time elb_status target_status
//   received sent "request" "user_agent" cipher protocol target_group "trace_id" "domain" ...

import { addressOfAddressPort } from '../internal/address-port';
import { FieldReader, present } from '../internal/field-reader';
import type { FormatParser } from '../internal/format-parser';
import { newRawAccess, reject, type RawResult } from '../internal/raw-access';
import { applyRequestLine, parseIntField, toNumber } from '../internal/request-line';
import { parseIsoTime } from '../internal/time';
import { hostOfAbsoluteTarget } from '../normalize/absolute-target';
import { serviceOfHost } from '../internal/host-service';

const TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);

/** Seconds as logged (-1 when the request never reached a target) to ms. */
function secondsOrUnknown(value: string | undefined): number | undefined {
  const n = toNumber(value);
  return n === undefined || n < 0 ? undefined : Math.round(n * 1_000_000) / 1000;
}

export function createAwsAlbFormat(): FormatParser {
  return {
    name: 'aws-alb',
    sniffLine(line: string): boolean {
      const sp = line.indexOf(' ');
      return sp > 0 && sp < 6 && TYPES.has(line.slice(0, sp)) && line.charCodeAt(sp + 5) === 45;
    },
    parseLine(line: string): RawResult {
      const fields = new FieldReader(line);
      if (!TYPES.has(fields.next() ?? '')) return reject('format_mismatch', 'expected an ALB request type');
      const raw = newRawAccess('aws-alb');
      raw.time = parseIsoTime(fields.next() ?? '');
      if (Number.isNaN(raw.time)) return reject('invalid_timestamp');
      fields.next();
      raw.peerIp = addressOfAddressPort(present(fields.next()));
      fields.next();
      const requestTime = secondsOrUnknown(fields.next());
      const targetTime = secondsOrUnknown(fields.next());
      const responseTime = secondsOrUnknown(fields.next());
      raw.upstreamLatencyMs = targetTime;
      raw.latencyMs = requestTime === undefined || responseTime === undefined ? undefined : requestTime + (targetTime ?? 0) + responseTime;
      const status = fields.next() ?? '';
      raw.status = parseIntField(status, 0, status.length, Number.NaN);
      fields.next();
      fields.next();
      const sent = fields.next() ?? '';
      raw.bytes = parseIntField(sent, 0, sent.length, 0);
      const request = fields.next();
      if (request === undefined) return reject('missing_field', 'request');
      applyRequestLine(raw, request);
      // ALB logs the absolute URL; the normalizer keeps its path. A request ALB could not parse is
      // logged as "- https://host:443- -": no path, but the host.
      const url = raw.target === '-' ? (request.split(' ')[1] ?? '-') : (raw.target ?? '-');
      raw.userAgent = present(fields.next());
      fields.next();
      fields.next();
      fields.next();
      raw.requestId = present(fields.next());
      raw.service = serviceOfHost(present(fields.next()) ?? hostOfAbsoluteTarget(url));
      return raw;
    },
  };
}
