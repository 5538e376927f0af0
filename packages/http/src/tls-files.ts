// A TLS server's certificate and key files: read and checked before the server starts, with errors
// that name the variable to fix, and read again when they change on disk, so a certificate renewed
// by cert-manager, certbot or a Kubernetes secret update is served without a restart.

import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { VigilError } from '@vigil/contract';
import type { Logger } from '@vigil/telemetry';
import { onFilesChange } from './file-version';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** The variables naming the two files, for messages. */
  certVariable: string;
  keyVariable: string;
}

/** Anything whose certificate can be swapped while it serves: https.Server and tls.Server. */
interface SecureContextHolder {
  setSecureContext(options: SecureContextOptions): void;
}

const TLS_RELOAD_INTERVAL_MS = 60_000;

function readNamedFile(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new VigilError('VIGIL_CONFIG_INVALID', `${variable} names a file that cannot be read (${code}: ${path}); give a PEM file Vigil's user may read`, {
      cause: error,
      details: { variables: [variable] },
    });
  }
}

/** The certificate and key, checked to be PEM that belong together; VIGIL_CONFIG_INVALID naming the variables otherwise. */
export function readTlsFiles(files: TlsFiles): SecureContextOptions {
  const cert = readNamedFile(files.certFile, files.certVariable);
  const key = readNamedFile(files.keyFile, files.keyVariable);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new VigilError(
      'VIGIL_CONFIG_INVALID',
      `${files.certVariable} and ${files.keyVariable} must name a PEM certificate and its own private key (${(error as Error).message})`,
      { cause: error, details: { variables: [files.certVariable, files.keyVariable] } },
    );
  }
  return { cert, key };
}

/**
 * Checks the files every `intervalMs` and loads them into `server` when they changed. Files that do
 * not load (half-way through a renewal, or broken) leave the previous certificate in service, with
 * a warning, and are tried again when they change. Returns the function that stops checking.
 */
export function reloadTlsOnChange(server: SecureContextHolder, files: TlsFiles, logger: Logger, intervalMs = TLS_RELOAD_INTERVAL_MS): () => void {
  return onFilesChange([files.certFile, files.keyFile], intervalMs, () => {
    try {
      server.setSecureContext(readTlsFiles(files));
      logger.info({ certFile: files.certFile }, 'TLS certificate reloaded');
    } catch (error) {
      logger.warn({ err: error, certFile: files.certFile }, 'TLS files changed but do not load; still serving the previous certificate');
    }
  });
}
