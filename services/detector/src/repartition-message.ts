// repartition.v1 records: the partial aggregates one events.v1 partition (the source) produced
// for entities owned by one repartition partition, plus the source's watermark. Every source
// writes to every repartition partition after each batch, so an owner knows how far each source
// has got: its watermark is the slowest source's, exactly as if one process read them all.

import { ENTITY_KINDS, VigilError, parseJson } from '@vigil/contract';
import type { PartialAggregate } from '@vigil/detection';

export interface RepartitionMessage {
  v: 1;
  /** events.v1 partition the partials come from. */
  source: number;
  /** Last events.v1 offset the partials cover: a repeat (after a restart) is recognized and skipped. */
  through: string;
  /** The source's watermark when it wrote this, or null before it saw any event time. */
  watermark: number | null;
  partials: PartialAggregate[];
}

export function encodeRepartitionMessage(message: RepartitionMessage): string {
  return JSON.stringify(message);
}

function invalid(problem: string): never {
  throw new VigilError('VIGIL_CONTRACT_INVALID', `repartition record: ${problem}`, { details: { field: problem.split(' ')[0] } });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the envelope and each partial's entity and bucket; the aggregates are the engine's own data. */
export function decodeRepartitionMessage(value: Buffer | string): RepartitionMessage {
  const parsed = parseJson('repartition record', value);
  if (!isObject(parsed) || parsed.v !== 1) invalid('v must be 1');
  const { source, through, watermark, partials } = parsed;
  if (!Number.isInteger(source) || (source as number) < 0) invalid('source must be a partition number');
  if (typeof through !== 'string' || !/^-?\d+$/.test(through)) invalid('through must be an offset string');
  if (watermark !== null && (typeof watermark !== 'number' || !Number.isFinite(watermark))) invalid('watermark must be a number or null');
  if (!Array.isArray(partials)) invalid('partials must be an array');
  partials.forEach((item: unknown, i) => {
    if (!isObject(item) || !isObject(item.entity) || !isObject(item.partial)) invalid(`partials[${i}] must hold entity and partial objects`);
    const { kind, key } = item.entity;
    if (!(ENTITY_KINDS as readonly unknown[]).includes(kind) || typeof key !== 'string') invalid(`partials[${i}].entity is not an entity`);
    if (typeof item.bucketStart !== 'number' || !Number.isFinite(item.bucketStart)) invalid(`partials[${i}].bucketStart must be a number`);
    if (typeof item.partial.requests !== 'number') invalid(`partials[${i}].partial is not a bucket aggregate`);
  });
  return parsed as unknown as RepartitionMessage;
}

/** The record key routing an entity's partials: the same entity always reaches the same owner. */
export function repartitionKey(partial: PartialAggregate): string {
  return `${partial.entity.kind}\u0000${partial.entity.service ?? ''}\u0000${partial.entity.key}`;
}
