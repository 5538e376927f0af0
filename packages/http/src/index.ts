// The one HTTP server per Vigil process: routing, body limits and decompression, bearer-token auth, rate limits, /metrics, /healthz, /readyz.
export { AuthFailureLimit } from './auth-failure-limit';
export type { AuthFailureLimitOptions } from './auth-failure-limit';
export { bearerToken, tokenMatches } from './bearer-token';
export { closingUnlessRead, errorResponse } from './error-response';
export { listenProblem, localAddressOf, urlHost } from './listen-problem';
export type { ErrorResponse } from './error-response';
export { readBody, SUPPORTED_CONTENT_ENCODINGS } from './read-body';
export type { BodyLimits } from './read-body';
export type { RouteMethod } from './route-table';
export { sendJson } from './send-json';
export { VigilHttpServer } from './server';
export type { Handler, ReadinessCheck, VigilHttpServerOptions } from './server';
export { readTlsFiles, reloadTlsOnChange } from './tls-files';
export { followTokenFile } from './token-file';
export type { TlsFiles } from './tls-files';
export { TokenBucketLimiter } from './token-bucket-limiter';
export type { TakeResult, TokenBucketOptions } from './token-bucket-limiter';
