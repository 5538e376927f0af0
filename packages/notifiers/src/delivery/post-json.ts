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

export async function postJson(post: JsonPost): Promise<NotifyResult> {
  try {
    const response = await fetch(post.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...post.headers },
      body: post.body,
      // A redirect could forward the signed body (or the secret path) somewhere unintended.
      redirect: 'error',
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    // Drain the body so the connection can be reused; its content is never needed.
    await response.arrayBuffer().catch(() => undefined);
    return outcomeFromStatus(response.status, response.headers.get('retry-after'), post.now());
  } catch (error) {
    return outcomeFromRequestError(error);
  }
}
