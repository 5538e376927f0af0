// POSTs a JSON body with the built-in fetch and a hard timeout; the webhook and Alertmanager channels share it.
import type { NotifyResult } from '../notification';
import { outcomeFromRequestError, outcomeFromStatus } from './http-outcome';

export interface JsonPost {
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  now: () => number;
}

/**
 * fetch refuses URLs that carry credentials, yet `https://user:pass@alertmanager/` is how a
 * basic-auth receiver is usually configured: move them into an Authorization header.
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  const login = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(login).toString('base64')}` };
}

export async function postJson(post: JsonPost): Promise<NotifyResult> {
  try {
    const target = splitCredentials(post.url);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(target.authorization === undefined ? {} : { authorization: target.authorization }),
        ...post.headers,
      },
      body: post.body,
      // Never follow: a redirect could forward the signed body somewhere unintended. 'manual' hands
      // back the 3xx itself, which is then a permanent failure rather than an opaque request error.
      redirect: 'manual',
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    // Drain the body so the connection can be reused; its content is never needed.
    await response.arrayBuffer().catch(() => undefined);
    return outcomeFromStatus(response.status, response.headers.get('retry-after'), post.now());
  } catch (error) {
    return outcomeFromRequestError(error);
  }
}
