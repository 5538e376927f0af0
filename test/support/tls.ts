// Paths of the committed test-only certificate for 127.0.0.1 (see tls/README.md).
import { fileURLToPath } from 'node:url';

export const TEST_TLS = {
  certFile: fileURLToPath(new URL('./tls/cert.pem', import.meta.url)),
  keyFile: fileURLToPath(new URL('./tls/key.pem', import.meta.url)),
} as const;
