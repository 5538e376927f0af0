// nginx logging JSON (`log_format name escape=json '{"remote_addr":"$remote_addr",...}'`): keys are
// taken to be the variable names, with or without the leading "$".

import type { FormatParser } from '../internal/format-parser';
import type { JsonRecord } from '../internal/json-fields';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import { applyNginxVariable } from '../nginx-custom/nginx-variables';

export function createNginxJsonFormat(): FormatParser {
  return {
    name: 'nginx-json',
    sniffRecord: (record) => ('remote_addr' in record || '$remote_addr' in record) && ('status' in record || '$status' in record),
    parseRecord(record: JsonRecord): RawResult {
      const raw = newRawAccess('nginx');
      raw.record = record;
      const headers = new Map<string, string>();
      for (const key of Object.keys(record)) {
        const value = record[key];
        if (typeof value !== 'string' && typeof value !== 'number') continue;
        applyNginxVariable(raw, key.charCodeAt(0) === 36 ? key.slice(1) : key, String(value), headers);
      }
      if (headers.size > 0) raw.header = (name) => headers.get(name);
      return raw;
    },
  };
}
