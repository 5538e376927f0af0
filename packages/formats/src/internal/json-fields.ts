// Typed reads from decoded JSON records: gateways log numbers as strings and "-" for absent values.

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a dotted path (`request.headers.user-agent`); a key containing dots is tried whole first. */
export function getPath(record: JsonRecord, path: string): unknown {
  if (Object.hasOwn(record, path)) return record[path];
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A non-empty string other than "-"; numbers are turned into strings. */
export function stringField(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' || value === '-' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0] === '' ? undefined : value[0];
  return undefined;
}

export function recordField(record: JsonRecord, key: string): JsonRecord | undefined {
  const value = record[key];
  return isRecord(value) ? value : undefined;
}

/** Case-insensitive header lookup over a header object (values may be arrays, as Caddy logs them). */
export function headerReader(headers: JsonRecord | undefined): ((name: string) => string | undefined) | undefined {
  if (headers === undefined) return undefined;
  return (name) => {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) return stringField(headers[key]);
    }
    return undefined;
  };
}
