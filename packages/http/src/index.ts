// The one HTTP server per Vigil process: routing, body limits and decompression, bearer-token auth, rate limits, /metrics, /healthz, /readyz.
export {};
