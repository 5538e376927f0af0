// Renders a simulated event as the log line nginx writes with `log_format ... escape=json`, keyed
// by variable names: a format the collector auto-detects, which carries latency and the service.

import type { ApiAccessEvent } from '@vigil/contract';

export function nginxJsonLine(event: ApiAccessEvent): string {
  const record: Record<string, string> = {
    msec: (event.time / 1000).toFixed(3),
    remote_addr: event.client.ip,
    request: `${event.request.method} ${event.request.path} HTTP/1.1`,
    status: String(event.response.status),
    body_bytes_sent: String(event.response.bytes),
    host: event.service,
  };
  if (event.response.latencyMs !== undefined) record.request_time = (event.response.latencyMs / 1000).toFixed(3);
  if (event.request.id !== undefined) record.request_id = event.request.id;
  return JSON.stringify(record);
}
