// Bearer tokens given as a file (VIGIL_INGEST_TOKENS_FILE, VIGIL_ADMIN_TOKENS_FILE,
// VIGIL_METRICS_TOKENS_FILE) are read again when the file changes, so a token is added or retired by
// rewriting the file, or by updating the Kubernetes secret mounted there, without a restart.

import { readFileSync } from 'node:fs';
import type { Env, Field } from '@vigil/config';
import type { Logger } from '@vigil/telemetry';
import { onFilesChange } from './file-version';

const TOKEN_FILE_CHECK_MS = 60_000;

/**
 * Keeps `tokens` (updated in place, so whoever holds the array checks against the current tokens)
 * equal to what the field's _FILE holds. A file that cannot be read or holds no token leaves the
 * tokens as they were, with a warning: a file caught half-written must not lock every sender out.
 * Does nothing when the field is not given by file. Returns the function that stops checking.
 */
export function followTokenFile(
  tokens: string[],
  field: Field<string[] | undefined>,
  env: Env,
  logger: Logger,
  intervalMs = TOKEN_FILE_CHECK_MS,
): () => void {
  const variable = `${field.env}_FILE`;
  const file = env[variable];
  if (file === undefined || file === '') return () => {};
  return onFilesChange([file], intervalMs, () => {
    let parsed: ReturnType<typeof field.parse> | undefined;
    try {
      parsed = field.parse(readFileSync(file, 'utf8').trim());
    } catch {
      parsed = undefined;
    }
    if (parsed?.ok !== true || parsed.value === undefined || parsed.value.length === 0) {
      logger.warn({ file, variable }, `${variable} changed but holds no token list that can be read; the ${tokens.length} tokens before stay accepted`);
      return;
    }
    tokens.splice(0, tokens.length, ...parsed.value);
    logger.info({ file, variable, tokens: tokens.length }, `${variable} changed: ${tokens.length} tokens accepted now`);
  });
}
