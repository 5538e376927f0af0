// Refusals of requests that presented no valid token, counted per client address: 401 while the
// address has failures to spare, then 429 with Retry-After, so a client trying tokens (or a
// shipper left with a rotated-out one) is told to back off. Only failures are counted and only
// after the token was found wrong: a valid token is never refused here, even from an address over
// its limit, so a shipper behind the same NAT or proxy as a misbehaving client keeps working.
import type { IncomingMessage } from 'node:http';
import { VigilError } from '@vigil/contract';
import { WarningThrottle } from '@vigil/telemetry';
import type { Counter, Logger } from '@vigil/telemetry';
import { TokenBucketLimiter } from './token-bucket-limiter';

export interface AuthFailureLimitOptions {
  /** Failures one address may make per minute at a steady pace (VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE). */
  perMinute: number;
  /** Failures one address may make at once (VIGIL_HTTP_AUTH_FAILURE_BURST). */
  burst: number;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimitOptions = { perMinute: 10, burst: 5 };

export class AuthFailureLimit {
  /** Keyed by the connection's peer address; bounded like every limiter (oldest addresses forgotten). */
  private readonly failures: TokenBucketLimiter;
  private readonly warnings = new WarningThrottle();

  constructor(
    options: AuthFailureLimitOptions,
    private readonly limited: Counter,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.failures = new TokenBucketLimiter({ ratePerSecond: options.perMinute / 60, burst: options.burst });
  }

  /**
   * Throws the answer to a request whose token is missing or wrong: `unauthorized` (401), or a 429
   * once its address is over the limit. The peer address is the socket's, never X-Forwarded-For,
   * which any client can write.
   */
  refuse(req: IncomingMessage, unauthorized: VigilError): never {
    const address = req.socket.remoteAddress ?? 'unknown';
    const taken = this.failures.take(address, this.now());
    if (taken.ok) throw unauthorized;
    this.limited.add(1);
    const refused = this.warnings.due('auth-failures');
    if (refused !== undefined) {
      // The address only: the presented token is a secret or a guess at one, and is never logged.
      this.logger.warn(
        { remoteAddress: address, refused },
        'requests without a valid token are being refused with 429 (VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE; counted in vigil_http_auth_failures_limited_total)',
      );
    }
    throw new VigilError('VIGIL_RATE_LIMITED', `too many requests without a valid token from this address; retry in ${taken.retryAfterSeconds} s`, {
      retryable: true,
      details: { retryAfterSeconds: taken.retryAfterSeconds },
    });
  }
}
