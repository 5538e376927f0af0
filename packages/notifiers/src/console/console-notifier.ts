// Writes notifications to a stream (stdout in the embedded mode). A write error or a closed stream is
// a failed delivery, never an exception.
import type { Writable } from 'node:stream';
import type { Notification, Notifier, NotifyResult } from '../notification';
import { renderConsole } from './render-console';

export interface ConsoleNotifierOptions {
  stream: NodeJS.WritableStream;
}

export function createConsoleNotifier(options: ConsoleNotifierOptions): Notifier {
  function send(notification: Notification): Promise<NotifyResult> {
    const { writableEnded, destroyed } = options.stream as Partial<Writable>;
    if (writableEnded === true || destroyed === true) {
      return Promise.resolve({ ok: false, retryable: false, reason: 'console stream is closed' });
    }
    return new Promise((resolve) => {
      try {
        options.stream.write(renderConsole(notification), (error) => {
          resolve(error ? { ok: false, retryable: true, reason: `console write failed (${error.name})` } : { ok: true });
        });
      } catch (error) {
        resolve({ ok: false, retryable: true, reason: `console write failed (${(error as Error).name})` });
      }
    });
  }

  return { channel: 'console', send };
}
