// A silence mutes the alerts its matchers select until it expires. Matchers compare anomaly fields
// with text where "*" stands for any run of characters; every matcher given must match.

import { VigilError, type Anomaly } from '@vigil/contract';

const SILENCE_MATCHER_FIELDS = ['detector', 'entityKind', 'entityKey', 'route', 'service'] as const;
type SilenceMatcherField = (typeof SILENCE_MATCHER_FIELDS)[number];
type SilenceMatchers = Partial<Record<SilenceMatcherField, string>>;

export interface Silence {
  v: 1;
  id: string;
  matchers: SilenceMatchers;
  startsAt: number;
  /** Epoch ms; null: until deleted (only static silences from the environment). */
  endsAt: number | null;
  createdBy: string;
  comment: string;
}

const MAX_MATCHER_LENGTH = 512;
const MAX_COMMENT_LENGTH = 1024;
const MAX_DURATION_MS = 366 * 24 * 3600 * 1000;

/**
 * Whether value matches pattern, where "*" is any run of characters. Values come from logged
 * requests (paths, user agents), so no backtracking: the text before the first "*" must start the
 * value, the text after the last must end it, and each run between is taken at its first place
 * after the one before, which is where any match could take it. Linear in the value per run.
 */
export function globMatches(pattern: string, value: string): boolean {
  const runs = pattern.split('*');
  if (runs.length === 1) return pattern === value;
  const head = runs[0] as string;
  const tail = runs[runs.length - 1] as string;
  if (head.length + tail.length > value.length || !value.startsWith(head) || !value.endsWith(tail)) return false;
  let from = head.length;
  const limit = value.length - tail.length;
  for (let i = 1; i < runs.length - 1; i++) {
    const run = runs[i] as string;
    const at = value.indexOf(run, from);
    if (at === -1 || at + run.length > limit) return false;
    from = at + run.length;
  }
  return true;
}

/** A route matcher accepts "POST /login" or "/login" against a route entity or the top route of the evidence. */
function routeCandidates(anomaly: Anomaly): string[] {
  const keys = [anomaly.entity.kind === 'route' ? anomaly.entity.key : undefined, anomaly.evidence.topRoutes[0]?.key];
  return keys.flatMap((key) => (key === undefined ? [] : [key, key.slice(key.indexOf(' ') + 1)]));
}

function candidates(anomaly: Anomaly, field: SilenceMatcherField): string[] {
  switch (field) {
    case 'detector':
      return [anomaly.detector];
    case 'entityKind':
      return [anomaly.entity.kind];
    case 'entityKey':
      return [anomaly.entity.key];
    case 'service':
      return anomaly.entity.service === undefined ? [] : [anomaly.entity.service];
    case 'route':
      return routeCandidates(anomaly);
  }
}

export function isActive(silence: Silence, now: number): boolean {
  return silence.startsAt <= now && (silence.endsAt === null || now < silence.endsAt);
}

export function silenceMatches(silence: Silence, anomaly: Anomaly, now: number): boolean {
  if (!isActive(silence, now)) return false;
  return Object.entries(silence.matchers).every(([field, pattern]) =>
    candidates(anomaly, field as SilenceMatcherField).some((value) => globMatches(pattern, value)),
  );
}

function invalid(field: string, problem: string): never {
  throw new VigilError('VIGIL_CONTRACT_INVALID', `silence: field "${field}" ${problem}`, { details: { field } });
}

function validMatchers(value: unknown): SilenceMatchers {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('matchers', 'must be an object');
  const matchers: SilenceMatchers = {};
  for (const [field, pattern] of Object.entries(value)) {
    if (!(SILENCE_MATCHER_FIELDS as readonly string[]).includes(field)) {
      invalid(`matchers.${field}`, `is not a matcher; use ${SILENCE_MATCHER_FIELDS.join(', ')}`);
    }
    if (typeof pattern !== 'string' || pattern === '' || pattern.length > MAX_MATCHER_LENGTH) {
      invalid(`matchers.${field}`, `must be a non-empty string of at most ${MAX_MATCHER_LENGTH} characters`);
    }
    matchers[field as SilenceMatcherField] = pattern;
  }
  if (Object.keys(matchers).length === 0) invalid('matchers', 'must name at least one matcher');
  return matchers;
}

/**
 * Builds a silence from an API request body:
 * { matchers: {...}, durationSeconds | endsAt (ISO), comment? }. `createdBy` comes from the caller.
 */
export function silenceFromRequest(body: unknown, ids: { id: string; createdBy: string }, now: number): Silence {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) invalid('(root)', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  let endsAt: number;
  if (typeof b.durationSeconds === 'number' && Number.isFinite(b.durationSeconds) && b.durationSeconds > 0) {
    endsAt = now + b.durationSeconds * 1000;
  } else if (typeof b.endsAt === 'string' && !Number.isNaN(Date.parse(b.endsAt))) {
    endsAt = Date.parse(b.endsAt);
  } else {
    invalid('durationSeconds', 'must be a positive number of seconds (or give endsAt as an ISO time)');
  }
  if (endsAt <= now || endsAt - now > MAX_DURATION_MS) invalid('endsAt', 'must be in the future and within a year');
  if (b.comment !== undefined && (typeof b.comment !== 'string' || b.comment.length > MAX_COMMENT_LENGTH)) {
    invalid('comment', `must be a string of at most ${MAX_COMMENT_LENGTH} characters`);
  }
  return {
    v: 1,
    id: ids.id,
    matchers: validMatchers(b.matchers),
    startsAt: now,
    endsAt,
    createdBy: ids.createdBy,
    comment: typeof b.comment === 'string' ? b.comment : '',
  };
}

/** Validates a silences.v1 record value. */
export function validateSilence(value: unknown): Silence {
  if (typeof value !== 'object' || value === null) invalid('(root)', 'must be an object');
  const s = value as Record<string, unknown>;
  if (s.v !== 1) invalid('v', 'must be 1');
  if (typeof s.id !== 'string' || s.id === '') invalid('id', 'must be a non-empty string');
  if (typeof s.startsAt !== 'number') invalid('startsAt', 'must be a number');
  if (s.endsAt !== null && typeof s.endsAt !== 'number') invalid('endsAt', 'must be a number or null');
  return {
    v: 1,
    id: s.id,
    matchers: validMatchers(s.matchers),
    startsAt: s.startsAt,
    endsAt: s.endsAt as number | null,
    createdBy: typeof s.createdBy === 'string' ? s.createdBy : '',
    comment: typeof s.comment === 'string' ? s.comment : '',
  };
}
