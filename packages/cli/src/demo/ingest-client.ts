// Posts log lines to a running Vigil's HTTP ingest. Every answer is a value the demo can explain:
// not reachable, certificate not trusted, token refused, busy (retry later), or another refusal.

import { isTlsVerificationFailure } from '@vigil/notifiers';

export type IngestOutcome =
  | { ok: true; accepted: number; rejected: number }
  | { ok: false; problem: 'unreachable'; detail: string }
  | { ok: false; problem: 'untrusted'; detail: string }
  | { ok: false; problem: 'unauthorized' }
  | { ok: false; problem: 'busy'; status: number; retryAfterMs: number }
  | { ok: false; problem: 'refused'; status: number; detail: string };

const DEFAULT_RETRY_AFTER_MS = 1000;
const REQUEST_TIMEOUT_MS = 15_000;

/** The ingest endpoint under a base URL, unless the URL already names it. */
export function ingestEndpoint(baseUrl: string): URL {
  const url = new URL(baseUrl);
  if (!url.pathname.endsWith('/v1/logs')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/logs`;
  return url;
}

function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS;
}

function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export async function postLogLines(endpoint: URL, token: string, lines: readonly string[]): Promise<IngestOutcome> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const detail = networkProblem(error);
    return { ok: false, problem: isTlsVerificationFailure(detail) ? 'untrusted' : 'unreachable', detail };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 401) return { ok: false, problem: 'unauthorized' };
  if (response.status === 429 || response.status === 503) {
    return { ok: false, problem: 'busy', status: response.status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  }
  if (!response.ok) return { ok: false, problem: 'refused', status: response.status, detail: text.slice(0, 300) };
  try {
    const body = JSON.parse(text) as { accepted?: unknown; rejected?: unknown };
    return { ok: true, accepted: Number(body.accepted ?? 0), rejected: Number(body.rejected ?? 0) };
  } catch {
    return { ok: false, problem: 'refused', status: response.status, detail: `an answer that is not Vigil's: ${text.slice(0, 120)}` };
  }
}
