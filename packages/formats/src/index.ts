// Gateway access-log parsers (nginx, Apache, Envoy, Kong, AWS API Gateway, Traefik, HAProxy, Caddy, JSON) and normalization.
export {};
