// Checkpoints on the compacted detector-state.v1 topic, one per input partition. The state is
// gzipped JSON; when it exceeds one record it is written in chunks to one of two alternating
// slots and the head record (written last) names the generation to read, so a crash while
// writing a checkpoint leaves the previous one whole.

import { gunzipSync, gzipSync } from 'node:zlib';
import { VigilError, parseJson, type Anomaly } from '@vigil/contract';
import type { EngineState } from '@vigil/detection';
import type { IncomingRecord, OutgoingRecord } from '@vigil/transport';
import type { RepartitionMessage } from './repartition-message';

export type InputRole = 'events' | 'repartition';

export interface SourceProgressState {
  source: number;
  /** Last events.v1 offset whose partials were applied. */
  through: string;
  watermark: number | null;
}

/** Outputs of the last step, checkpointed before they are published: a restore publishes them again. */
export interface Outbox {
  anomalies: Anomaly[];
  repartition: Array<{ partition: number; message: RepartitionMessage }>;
}

export interface Checkpoint {
  v: 1;
  input: InputRole;
  partition: number;
  /** First input offset the state does not reflect yet. */
  nextOffset: string;
  engine: EngineState;
  /** events: newest event time the partition brought. */
  maxEventTime: number | null;
  /** repartition: how far each events.v1 partition has got. */
  sources: SourceProgressState[];
  outbox: Outbox;
}

const GENERATION_HEADER = 'vigil-checkpoint-generation';
const CHUNKS_HEADER = 'vigil-checkpoint-chunks';
/** Well under Kafka's default max.message.bytes (1 MiB) once headers and batch overhead are added. */
const CHECKPOINT_CHUNK_BYTES = 512 * 1024;

export function checkpointKey(groupId: string, input: InputRole, partition: number): string {
  return `${groupId}/${input}/${partition}`;
}

function chunkKey(head: string, generation: number, index: number): string {
  return `${head}#${generation % 2}.${index}`;
}

/**
 * The records of one checkpoint, in the order they must be written: each on its own send (one
 * Kafka record batch must stay under max.message.bytes), the head last.
 */
export function encodeCheckpoint(head: string, checkpoint: Checkpoint, generation: number, chunkBytes = CHECKPOINT_CHUNK_BYTES): OutgoingRecord[] {
  const body = gzipSync(JSON.stringify(checkpoint));
  const headers = { [GENERATION_HEADER]: String(generation) };
  if (body.length <= chunkBytes) return [{ key: head, value: body, headers: { ...headers, [CHUNKS_HEADER]: '0' } }];
  const chunks: OutgoingRecord[] = [];
  for (let offset = 0, index = 0; offset < body.length; offset += chunkBytes, index++) {
    chunks.push({ key: chunkKey(head, generation, index), value: body.subarray(offset, offset + chunkBytes), headers });
  }
  return [...chunks, { key: head, value: Buffer.alloc(0), headers: { ...headers, [CHUNKS_HEADER]: String(chunks.length) } }];
}

function stateInvalid(head: string, problem: string, cause?: unknown): VigilError {
  return new VigilError('VIGIL_STATE_INVALID', `checkpoint ${head}: ${problem}`, { cause });
}

/** The latest record per key, as compaction will eventually leave it. */
export function latestByKey(records: readonly IncomingRecord[]): Map<string, IncomingRecord> {
  const latest = new Map<string, IncomingRecord>();
  for (const record of records) {
    if (record.key === null) continue;
    const seen = latest.get(record.key);
    if (seen === undefined || record.partition !== seen.partition || BigInt(record.offset) > BigInt(seen.offset)) latest.set(record.key, record);
  }
  return latest;
}

/** The checkpoint under `head`, undefined when there is none; throws VIGIL_STATE_INVALID when unreadable. */
export function decodeCheckpoint(head: string, latest: ReadonlyMap<string, IncomingRecord>): { checkpoint: Checkpoint; generation: number } | undefined {
  const headRecord = latest.get(head);
  if (headRecord === undefined) return undefined;
  const generation = Number(headRecord.headers[GENERATION_HEADER]);
  const chunkCount = Number(headRecord.headers[CHUNKS_HEADER]);
  if (!Number.isInteger(generation) || !Number.isInteger(chunkCount)) throw stateInvalid(head, 'head record lacks its generation headers');
  let body = headRecord.value;
  if (chunkCount > 0) {
    const parts: Buffer[] = [];
    for (let index = 0; index < chunkCount; index++) {
      const chunk = latest.get(chunkKey(head, generation, index));
      if (chunk === undefined || chunk.headers[GENERATION_HEADER] !== String(generation)) {
        throw stateInvalid(head, `chunk ${index} of generation ${generation} is missing`);
      }
      parts.push(chunk.value);
    }
    body = Buffer.concat(parts);
  }
  let text: string;
  try {
    text = gunzipSync(body).toString('utf8');
  } catch (cause) {
    throw stateInvalid(head, 'not gzip data', cause);
  }
  const checkpoint = parseJson(`checkpoint ${head}`, text) as Checkpoint;
  if (checkpoint.v !== 1 || typeof checkpoint.nextOffset !== 'string' || typeof checkpoint.engine !== 'object') {
    throw stateInvalid(head, 'unknown checkpoint version or shape');
  }
  return { checkpoint, generation };
}
