import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonSchema } from '@vigil/config';
import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../../test/support/captured-logger';
import { waitFor } from '../../../test/support/wait-for';
import { followTokenFile } from './token-file';

const capturingLogger = () => capturedLogger('token-file-test', 'info');

describe('followTokenFile', () => {
  it('follows the _FILE in place, never logs a token, and keeps the tokens when the file holds none', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-tokens-')), 'admin-tokens');
    writeFileSync(file, 'adm-first\n');
    const tokens = ['adm-first'];
    const { logger, text } = capturingLogger();
    const stop = followTokenFile(tokens, commonSchema.adminTokens, { VIGIL_ADMIN_TOKENS_FILE: file }, logger, 10);
    try {
      writeFileSync(file, 'adm-first\nadm-second\n');
      await waitFor(() => tokens.length === 2, { timeoutMs: 5000, message: 'the second token' });
      expect(tokens).toEqual(['adm-first', 'adm-second']);
      expect(text()).toContain('VIGIL_ADMIN_TOKENS_FILE changed: 2 tokens accepted now');
      writeFileSync(file, ' \n');
      await waitFor(() => text().includes('holds no token list that can be read'), { timeoutMs: 5000, message: 'the warning' });
      expect(tokens).toEqual(['adm-first', 'adm-second']);
      expect(text()).not.toMatch(/adm-first|adm-second/);
    } finally {
      stop();
    }
  });

  it('does nothing when the tokens are not given by file', () => {
    const tokens = ['adm-env'];
    const stop = followTokenFile(tokens, commonSchema.adminTokens, { VIGIL_ADMIN_TOKENS: 'adm-env' }, capturingLogger().logger, 10);
    stop();
    expect(tokens).toEqual(['adm-env']);
  });
});
