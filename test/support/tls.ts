// Paths of the committed test-only certificates for 127.0.0.1 (see tls/README.md).
import { fileURLToPath } from 'node:url';

export const TEST_TLS = {
  certFile: fileURLToPath(new URL('./tls/cert.pem', import.meta.url)),
  keyFile: fileURLToPath(new URL('./tls/key.pem', import.meta.url)),
} as const;

/** A second certificate and key for the same address: what a renewal puts in place of TEST_TLS. */
export const TEST_TLS_RENEWED = {
  certFile: fileURLToPath(new URL('./tls/renewed-cert.pem', import.meta.url)),
  keyFile: fileURLToPath(new URL('./tls/renewed-key.pem', import.meta.url)),
} as const;
