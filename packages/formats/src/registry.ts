// Every format Vigil reads, one line each. A new format is a folder under src/ plus a line here
// (and a place in AUTO_DETECT_ORDER when it can be sniffed).

import type { FormatFactory } from './internal/format-parser';
import type { FormatName } from './types';
import { createClfFormat } from './nginx/nginx-combined';
import { createNginxLogFormat } from './nginx-custom/nginx-log-format';
import { createNginxJsonFormat } from './nginx-json/nginx-json';
import { createEnvoyTextFormat } from './envoy/envoy-text';
import { createEnvoyJsonFormat } from './envoy-json/envoy-json';
import { createKongFormat } from './kong/kong-http-log';
import { createAwsApiGatewayFormat } from './aws-apigateway/aws-apigateway';
import { createAwsAlbFormat } from './aws-alb/aws-alb';
import { createAwsCloudFrontFormat } from './aws-cloudfront/aws-cloudfront';
import { createTraefikClfFormat } from './traefik/traefik-clf';
import { createTraefikJsonFormat } from './traefik-json/traefik-json';
import { createHaproxyFormat } from './haproxy/haproxy-http';
import { createCaddyFormat } from './caddy/caddy-json';
import { createJsonMappedFormat } from './json/json-mapped';

export const FORMAT_REGISTRY: Record<FormatName, FormatFactory> = {
  nginx: () => createClfFormat('nginx', 'nginx'),
  'nginx-custom': (o) => (o.nginxLogFormat === undefined ? undefined : createNginxLogFormat(o.nginxLogFormat)),
  'nginx-json': createNginxJsonFormat,
  apache: () => createClfFormat('apache', 'apache'),
  envoy: createEnvoyTextFormat,
  'envoy-json': createEnvoyJsonFormat,
  kong: createKongFormat,
  'aws-apigateway': createAwsApiGatewayFormat,
  'aws-alb': createAwsAlbFormat,
  'aws-cloudfront': createAwsCloudFrontFormat,
  traefik: createTraefikClfFormat,
  'traefik-json': createTraefikJsonFormat,
  haproxy: createHaproxyFormat,
  caddy: createCaddyFormat,
  json: (o) => (o.jsonFieldMap === undefined ? undefined : createJsonMappedFormat(o.jsonFieldMap)),
};

/**
 * The order `auto` tries formats whose sniff matches: a configured template first, then the more
 * specific syntaxes before the ones they resemble (Traefik CLF before nginx combined). `apache` is
 * left out: its lines are byte-for-byte nginx combined, so auto reports them as `nginx`.
 */
export const AUTO_DETECT_ORDER: readonly FormatName[] = [
  'nginx-custom',
  'json',
  'traefik',
  'haproxy',
  'envoy',
  'aws-alb',
  'aws-cloudfront',
  'nginx',
  'kong',
  'aws-apigateway',
  'traefik-json',
  'caddy',
  'envoy-json',
  'nginx-json',
];
