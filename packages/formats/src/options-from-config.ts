// Maps the formats settings (formatsSchema in @vigil/config, VIGIL_* variables) to parser options.
// Typed structurally so this package does not depend on the config package.

import { VigilError } from '@vigil/contract';
import { FORMAT_NAMES, type EventParserOptions, type FormatName } from './types';

export interface FormatsConfig {
  format: string;
  nginxLogFormat?: string | undefined;
  jsonFieldMap?: readonly string[] | undefined;
  maxLineLength: number;
  maxFutureSeconds: number;
  defaultService: string;
  routeMaxPerService: number;
  routeMaxServices: number;
  routeMaxLength: number;
  clientIdHeader?: string | undefined;
  clientIdField?: string | undefined;
  hashClientIdHeader: boolean;
  trustedProxies: readonly string[];
  redactQueryParams: readonly string[];
  ipPseudonymizeKey?: string | undefined;
}

function fieldMap(items: readonly string[] | undefined): Record<string, string> | undefined {
  if (items === undefined) return undefined;
  return Object.fromEntries(items.map((item) => [item.slice(0, item.indexOf('=')).trim(), item.slice(item.indexOf('=') + 1).trim()]));
}

export function eventParserOptionsFromConfig(config: FormatsConfig): EventParserOptions {
  if (config.format !== 'auto' && !(FORMAT_NAMES as readonly string[]).includes(config.format)) {
    throw new VigilError('VIGIL_FORMAT_UNKNOWN', `VIGIL_FORMAT must be auto or one of ${FORMAT_NAMES.join(', ')} (got "${config.format}")`);
  }
  return {
    format: config.format as FormatName | 'auto',
    nginxLogFormat: config.nginxLogFormat,
    jsonFieldMap: fieldMap(config.jsonFieldMap),
    maxLineLength: config.maxLineLength,
    maxFutureMs: config.maxFutureSeconds * 1000,
    normalize: {
      defaultService: config.defaultService,
      routeMaxPerService: config.routeMaxPerService,
      routeMaxServices: config.routeMaxServices,
      routeMaxLength: config.routeMaxLength,
      clientIdHeader: config.clientIdHeader,
      clientIdField: config.clientIdField,
      hashClientIdHeader: config.hashClientIdHeader,
      trustedProxies: config.trustedProxies,
      redactQueryParams: config.redactQueryParams,
      ipPseudonymizeKey: config.ipPseudonymizeKey,
    },
  };
}
