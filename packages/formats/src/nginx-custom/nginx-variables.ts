// What each nginx variable means for the event; shared by custom log_format templates and nginx
// JSON logs (escape=json), whose keys are usually the variable names.

import type { RawAccess } from '../internal/raw-access';
import { applyRequestLine, secondsToMs, toNumber } from '../internal/request-line';
import { parseClfTime, parseIsoTime } from '../internal/time';
import { serviceOfHost } from '../internal/host-service';

type Apply = (raw: RawAccess, value: string) => void;

function timeFrom(parse: (value: string) => number): Apply {
  return (raw, value) => {
    raw.time = parse(value);
  };
}

const VARIABLES: Record<string, Apply> = {
  remote_addr: (raw, v) => (raw.peerIp = v),
  time_local: timeFrom((v) => parseClfTime(v, 0, v.length)),
  time_iso8601: timeFrom(parseIsoTime),
  msec: timeFrom((v) => {
    const seconds = Number(v);
    return v !== '' && Number.isFinite(seconds) ? Math.round(seconds * 1000) : Number.NaN;
  }),
  request: (raw, v) => applyRequestLine(raw, v, false),
  request_method: (raw, v) => (raw.method = v),
  request_uri: (raw, v) => (raw.target = v),
  uri: (raw, v) => (raw.target ??= v),
  document_uri: (raw, v) => (raw.target ??= v),
  args: (raw, v) => (raw.query = v),
  query_string: (raw, v) => (raw.query = v),
  server_protocol: (raw, v) => (raw.protocol = v),
  status: (raw, v) => (raw.status = toNumber(v) ?? Number.NaN),
  body_bytes_sent: (raw, v) => (raw.bytes = toNumber(v) ?? 0),
  bytes_sent: (raw, v) => (raw.bytes ||= toNumber(v) ?? 0),
  request_time: (raw, v) => (raw.latencyMs = secondsToMs(v)),
  upstream_response_time: (raw, v) => (raw.upstreamLatencyMs = secondsToMs(v)),
  http_user_agent: (raw, v) => (raw.userAgent = v),
  http_x_forwarded_for: (raw, v) => (raw.forwardedFor = v),
  host: (raw, v) => (raw.service = serviceOfHost(v)),
  http_host: (raw, v) => (raw.service ??= serviceOfHost(v)),
  server_name: (raw, v) => (raw.service ??= v),
  request_id: (raw, v) => (raw.requestId = v),
};

/** Header variables other than the ones above (`$http_x_api_key` → `x-api-key`). */
function headerName(variable: string): string | undefined {
  return variable.startsWith('http_') ? variable.slice(5).replace(/_/g, '-') : undefined;
}

/**
 * Applies one variable's logged value. Header values are collected in `headers` so a configured
 * client-id header can be read; "-" and empty values mean the variable was unset.
 */
export function applyNginxVariable(raw: RawAccess, name: string, value: string, headers: Map<string, string>): void {
  if (value === '-' || value === '') return;
  const apply = Object.hasOwn(VARIABLES, name) ? VARIABLES[name] : undefined;
  if (apply !== undefined) {
    apply(raw, value);
    return;
  }
  const header = headerName(name);
  if (header !== undefined) headers.set(header, value);
}
