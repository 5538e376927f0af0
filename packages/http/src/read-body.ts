// Reads a request body under two limits: bytes on the wire and bytes after Content-Encoding is
// undone. Decompression streams and counts as it goes, so a small gzip bomb is stopped once it
// inflates past the limit instead of being expanded into memory first.
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { VigilError } from '@vigil/contract';

export interface BodyLimits {
  /** Largest body accepted as sent (compressed, if it is). */
  maxBytes: number;
  /** Largest body accepted after decompression. */
  maxDecompressedBytes: number;
  /**
   * The variables that set the two limits, named in the 413 so whoever reads it (a shipper's log,
   * its operator) knows what to raise or to send less of.
   */
  variables?: { maxBytes: string; maxDecompressedBytes: string };
}

export const SUPPORTED_CONTENT_ENCODINGS = ['identity', 'gzip', 'x-gzip', 'deflate'] as const;

export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  try {
    rejectDeclaredOversize(req, limits);
    return collect(req, decoderFor(req.headers['content-encoding']), limits);
  } catch (error) {
    return Promise.reject(error);
  }
}

function rejectDeclaredOversize(req: IncomingMessage, limits: BodyLimits): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge('request body', limits.maxBytes, limits.variables?.maxBytes);
}

function decoderFor(contentEncoding: string | undefined): Transform | undefined {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  throw new VigilError(
    'VIGIL_CONTRACT_INVALID',
    `Content-Encoding "${encoding.slice(0, 40)}" is not supported; send one of ${SUPPORTED_CONTENT_ENCODINGS.join(', ')}`,
    { details: { unsupportedEncoding: true } },
  );
}

function collect(req: IncomingMessage, decoder: Transform | undefined, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let rawBytes = 0;
    let decodedBytes = 0;
    let settled = false;

    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      req.off('data', onRawChunk);
      // Stop reading: the caller answers (413, 400) and the server closes the connection.
      req.pause();
      decoder?.destroy();
      reject(error);
    };
    const onRawChunk = (chunk: Buffer): void => {
      rawBytes += chunk.length;
      if (rawBytes > limits.maxBytes) return fail(tooLarge('request body', limits.maxBytes, limits.variables?.maxBytes));
      if (decoder === undefined) return onDecodedChunk(chunk);
      // Respect the decoder's backpressure so compressed input does not pile up in memory.
      if (!decoder.write(chunk)) {
        req.pause();
        decoder.once('drain', () => settled || req.resume());
      }
    };
    const onDecodedChunk = (chunk: Buffer): void => {
      if (settled) return;
      decodedBytes += chunk.length;
      if (decodedBytes > limits.maxDecompressedBytes) {
        return fail(tooLarge('decompressed request body', limits.maxDecompressedBytes, limits.variables?.maxDecompressedBytes));
      }
      chunks.push(chunk);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, decodedBytes));
    };

    req.on('data', onRawChunk);
    req.on('error', fail);
    req.on('close', () => {
      if (!req.complete) fail(new VigilError('VIGIL_CONTRACT_INVALID', 'the client closed the connection before the body was complete'));
    });
    if (decoder === undefined) {
      req.on('end', finish);
      return;
    }
    decoder.on('data', onDecodedChunk);
    decoder.on('end', finish);
    decoder.on('error', (cause: Error) =>
      fail(new VigilError('VIGIL_CONTRACT_INVALID', `the request body is not valid ${req.headers['content-encoding']} data`, { cause })),
    );
    req.on('end', () => decoder.end());
  });
}

function tooLarge(what: string, limit: number, variable?: string): VigilError {
  const named = variable === undefined ? '' : ` (${variable}); send smaller batches`;
  return new VigilError('VIGIL_INPUT_TOO_LARGE', `${what} exceeds the limit of ${limit} bytes${named}`, { details: { limitBytes: limit } });
}
