// Tests wait on a condition, never a fixed sleep: poll until it holds, fail with a message that
// says what was awaited (and the last error the condition threw).

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What was awaited, for the failure message. */
  message?: string;
}

/** Resolves with the condition's first truthy result; rejects after timeoutMs. */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeoutMs = 20000, intervalMs = 50, message = 'condition' }: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await condition();
      if (result) return result as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${(lastError as Error).message ?? String(lastError)})`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the first `count` items once a growing list holds that many. */
export function waitForCount<T>(items: readonly T[], count: number, timeoutMs: number, what: string): Promise<T[]> {
  return waitFor(() => (items.length >= count ? items.slice(0, count) : undefined), {
    timeoutMs,
    intervalMs: 20,
    message: `${count} ${what}`,
  });
}
