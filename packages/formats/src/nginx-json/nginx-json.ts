// nginx logging JSON (`log_format name escape=json '{"remote_addr":"$remote_addr",...}'`): keys are
// taken to be the variable names, with or without the leading "$".

import type { FormatParser } from '../internal/format-parser';
import type { JsonRecord } from '../internal/json-fields';
import { newRawAccess, type RawResult } from '../internal/raw-access';
import { parseAnyTime } from '../internal/time';
import { applyNginxVariable } from '../nginx-custom/nginx-variables';

/**
 * Keys JSON log_format templates commonly give `$time_iso8601` or `$msec` instead of the variable's
 * name (`"time": "$time_iso8601"`, `"@timestamp"` for Elasticsearch); read when no variable-named key
 * gave a time.
 */
const TIME_KEYS = ['time', '@timestamp', 'timestamp', 'ts'];

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
      for (let i = 0; i < TIME_KEYS.length && Number.isNaN(raw.time); i++) raw.time = parseAnyTime(record[TIME_KEYS[i] as string]);
      if (headers.size > 0) raw.header = (name) => headers.get(name);
      return raw;
    },
  };
}
