// Validates the environment against a schema: every problem reported (one line each naming the
// variable, the problem and a good example), secrets read from their _FILE twin when given.

import { readFileSync } from 'node:fs';
import { VigilError } from '@vigil/contract';
import type { Field } from './field';

export type Schema = Record<string, Field<unknown>>;
export type ConfigOf<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };
export type Env = Record<string, string | undefined>;

export interface ConfigProblem {
  env: string;
  message: string;
}

function show(raw: string, field: Field<unknown>): string {
  if (field.secret) return '<secret>';
  const printable = field.printable(raw);
  return JSON.stringify(printable.length > 80 ? `${printable.slice(0, 77)}...` : printable);
}

function rawValue(field: Field<unknown>, env: Env, problems: ConfigProblem[]): string | undefined {
  const direct = env[field.env];
  const fileVar = `${field.env}_FILE`;
  const file = field.secret ? env[fileVar] : undefined;
  if (file !== undefined && file !== '') {
    if (direct !== undefined && direct !== '') {
      problems.push({ env: field.env, message: `${field.env} and ${fileVar} are both set; set only one` });
      return undefined;
    }
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push({
        env: fileVar,
        message: `${fileVar} names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}), e.g. ${fileVar}=/run/secrets/${field.env.toLowerCase()}`,
      });
      return undefined;
    }
  }
  return direct === '' ? undefined : direct;
}

/** Returns the typed config and the problems found; never throws for bad values. */
export function checkConfig<S extends Schema>(schema: S, env: Env): { config: ConfigOf<S>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const raw = rawValue(field, env, problems);
    if (raw === undefined) {
      if (field.default === undefined && !field.optional) {
        problems.push({ env: field.env, message: `${field.env} is required, e.g. ${field.env}=${field.example}` });
      }
      config[key] = field.default;
      continue;
    }
    const parsed = field.parse(raw);
    if (parsed.ok) {
      config[key] = parsed.value;
    } else {
      problems.push({
        env: field.env,
        message: `${field.env} ${parsed.problem} (got ${show(raw, field)}), e.g. ${field.env}=${field.example}`,
      });
      config[key] = field.default;
    }
  }
  for (const [key, field] of Object.entries(schema)) {
    const upper = field.below === undefined ? undefined : Object.entries(schema).find(([, other]) => other.env === field.below);
    const [value, limit] = [config[key], upper === undefined ? undefined : config[upper[0]]];
    if (upper !== undefined && typeof value === 'number' && typeof limit === 'number' && value >= limit && !problems.some((p) => p.env === field.env || p.env === upper[1].env)) {
      problems.push({
        env: field.env,
        message: `${field.env} (${value}) must be below ${upper[1].env} (${limit}), e.g. ${field.env}=${field.example} with ${upper[1].env}=${upper[1].example}`,
      });
    }
  }
  // An empty list (VIGIL_EMAIL_TO's default) names nothing, as an unset value does.
  const unset = (value: unknown) => value === undefined || (Array.isArray(value) && value.length === 0);
  for (const [key, field] of Object.entries(schema)) {
    if (field.requires === undefined || unset(config[key])) continue;
    const partner = Object.entries(schema).find(([, other]) => other.env === field.requires);
    if (partner !== undefined && unset(config[partner[0]]) && !problems.some((p) => p.env === partner[1].env)) {
      problems.push({ env: partner[1].env, message: `${field.env} is set, so ${partner[1].env} must be too, e.g. ${partner[1].env}=${partner[1].example}` });
    }
  }
  return { config: config as ConfigOf<S>, problems };
}

/** Like checkConfig, but throws VIGIL_CONFIG_INVALID listing every problem, one per line. */
export function loadConfig<S extends Schema>(schema: S, env: Env = process.env): ConfigOf<S> {
  const { config, problems } = checkConfig(schema, env);
  if (problems.length > 0) {
    throw new VigilError('VIGIL_CONFIG_INVALID', problems.map((p) => p.message).join('\n'), {
      details: { variables: problems.map((p) => p.env) },
    });
  }
  return config;
}

/** The effective config as [variable, printable value] pairs: secrets shown as <secret>, a URL's password and query values masked. */
export function describeConfig<S extends Schema>(schema: S, config: ConfigOf<S>): Array<[string, string]> {
  return Object.entries(schema).map(([key, field]) => {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined) return [field.env, '(unset)'];
    if (field.secret) return [field.env, '<secret>'];
    return [field.env, field.printable(Array.isArray(value) ? value.join(',') : String(value))];
  });
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/**
 * A bearer token shorter than this can be guessed: the endpoints limit the rate of requests, not
 * the number of tries over days. Vigil's own generated token is 32 hex characters.
 */
const MIN_TOKEN_LENGTH = 16;

/**
 * Warnings for the token lists (secret lists named *_TOKENS) holding a token shorter than
 * MIN_TOKEN_LENGTH: one per variable, with how short, never the token itself. Values that do not
 * load are left to checkConfig's problems.
 */
export function shortTokenWarnings(env: Env, schemas: readonly Schema[]): string[] {
  const warnings: string[] = [];
  for (const s of schemas) {
    for (const field of Object.values(s)) {
      if (!field.secret || !field.env.endsWith('_TOKENS')) continue;
      const { config, problems } = checkConfig({ tokens: field }, env);
      if (problems.length > 0 || !Array.isArray(config.tokens)) continue;
      const shortest = Math.min(...(config.tokens as string[]).map((token) => token.length));
      if (shortest >= MIN_TOKEN_LENGTH) continue;
      warnings.push(
        `${field.env} holds a token of ${shortest} characters, which can be guessed; use at least ${MIN_TOKEN_LENGTH} random characters, e.g. from "openssl rand -hex 24"`,
      );
    }
  }
  return [...new Set(warnings)];
}

/** Warnings for VIGIL_* variables no schema knows, with the nearest known name. */
export function unknownVariableWarnings(env: Env, schemas: readonly Schema[]): string[] {
  const known = new Set<string>();
  for (const s of schemas) {
    for (const f of Object.values(s)) {
      known.add(f.env);
      if (f.secret) known.add(`${f.env}_FILE`);
    }
  }
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('VIGIL_') || known.has(name)) continue;
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
      const d = editDistance(name, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    warnings.push(
      best !== undefined && bestDistance <= Math.max(3, Math.floor(name.length / 4))
        ? `unknown variable ${name}; did you mean ${best}?`
        : `unknown variable ${name}; see the configuration table in README.md`,
    );
  }
  return warnings;
}

/** Markdown table of the given schemas, for README.md (generated; a test checks it is current). */
export function renderConfigTable(sections: ReadonlyArray<{ title: string; schema: Schema }>): string {
  const lines: string[] = [];
  for (const { title, schema } of sections) {
    lines.push(`#### ${title}`, '', '| Variable | Type | Default | Example | Description |', '|---|---|---|---|---|');
    for (const f of Object.values(schema)) {
      const def = f.default === undefined ? (f.optional ? '(unset)' : '**required**') : Array.isArray(f.default) ? f.default.join(',') || '(empty)' : String(f.default);
      const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
      const fileForm = f.type === 'comma-separated list' ? ' (one per line, or comma-separated)' : '';
      const desc = f.secret ? `${f.description} Secret: also read from \`${f.env}_FILE\`${fileForm}.` : f.description;
      lines.push(`| \`${f.env}\` | ${cell(f.type)} | ${cell(def === '' ? '(empty)' : def)} | \`${cell(f.example)}\` | ${cell(desc)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
