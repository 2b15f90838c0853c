import zlib from 'node:zlib';
import { decodedTooLarge, malformedEncoding } from './body-errors.js';

type Options = zlib.ZlibOptions & zlib.BrotliOptions & { params?: Record<number, number> };
type SyncDecode = (input: Buffer, options: Options) => Buffer;
type AsyncDecode = (input: Buffer, options: Options, callback: (error: Error | null, result: Buffer) => void) => void;
/** What node:zlib's one-shot decoders return with `info: true`: the output and how much input they read. */
interface DecodedWithInfo {
  readonly buffer: Buffer;
  readonly engine: { readonly bytesWritten: number };
}

/** One node:zlib decompressor, in its one-shot synchronous and thread-pool forms. */
export interface ZlibDecoder {
  /** The coding's name, for error messages. */
  readonly coding: string;
  readonly sync: SyncDecode;
  readonly async: AsyncDecode;
  readonly options?: Options;
}

export const GUNZIP: ZlibDecoder = { coding: 'gzip', sync: zlib.gunzipSync, async: zlib.gunzip };
export const INFLATE: ZlibDecoder = { coding: 'deflate', sync: zlib.inflateSync, async: zlib.inflate };
export const INFLATE_RAW: ZlibDecoder = { coding: 'deflate', sync: zlib.inflateRawSync, async: zlib.inflateRaw };
export const BROTLI: ZlibDecoder = { coding: 'br', sync: zlib.brotliDecompressSync, async: zlib.brotliDecompress };

/**
 * Bodies are decoded synchronously first, with output capped at this budget: for the 1–10 KB deliveries
 * that make up nearly all traffic that is 5–20x faster than a trip through the thread pool, and it blocks
 * the event loop for about a millisecond at worst. A body that decodes to more is decoded again on the
 * thread pool with the real limit; the wasted work is bounded by this budget.
 */
export const SYNC_OUTPUT_BUDGET = 1024 * 1024;

// Fewer, larger thread-pool round trips: measured 2.1 ms for 1 MB at 256 KiB against 6.8 ms at the 16 KiB default.
const ASYNC_CHUNK_SIZE = 256 * 1024;

/**
 * Decodes `input` with a zlib decompressor, never holding much more than `maxBytes` of output: node:zlib's
 * `maxOutputLength` stops the decompressor once the output passes it (checked per chunk, sync and async).
 * Throws 413 `decoded_body_too_large` past `maxBytes` (the message names `reportedLimit`, default
 * `maxBytes`) and 400 `malformed_encoding` for corrupt or truncated input.
 */
export async function decodeWithZlib(
  decoder: ZlibDecoder,
  input: Buffer,
  maxBytes: number,
  reportedLimit = maxBytes,
): Promise<Buffer> {
  let decoded: DecodedWithInfo | undefined;
  if (input.length <= SYNC_OUTPUT_BUDGET) {
    const budget = Math.min(maxBytes, SYNC_OUTPUT_BUDGET);
    try {
      decoded = decodeSync(decoder, input, { ...decoder.options, maxOutputLength: Math.max(budget, 1), info: true as const });
    } catch (error) {
      if (!isOutputTooLarge(error) || budget >= maxBytes) throw toWebhookError(error, decoder, reportedLimit);
    }
  }
  if (decoded === undefined) {
    const options = { ...decoder.options, maxOutputLength: Math.max(maxBytes, 1), chunkSize: ASYNC_CHUNK_SIZE, info: true as const };
    try {
      decoded = await decodeAsync(decoder, input, options);
    } catch (error) {
      throw toWebhookError(error, decoder, reportedLimit);
    }
  }
  // maxOutputLength must be at least 1, so a limit of 0 is enforced here.
  if (decoded.buffer.length > maxBytes) throw decodedTooLarge(reportedLimit);
  return wholeInputRead(decoded, input, decoder);
}

/** `options` with `info: true`: node:zlib then returns the output with how much input it read. */
function decodeSync(decoder: ZlibDecoder, input: Buffer, options: Options & { info: true }): DecodedWithInfo {
  return decoder.sync(input, options) as unknown as DecodedWithInfo;
}

function decodeAsync(decoder: ZlibDecoder, input: Buffer, options: Options & { info: true }): Promise<DecodedWithInfo> {
  return new Promise((resolve, reject) => {
    decoder.async(input, options, (error, result) => (error ? reject(error) : resolve(result as unknown as DecodedWithInfo)));
  });
}

/**
 * The output, once the decoder read all of the input. Inflate and brotli in node:zlib stop at the end
 * of their stream and ignore what follows, so bytes appended to a signed body went unnoticed: the digits
 * of Thryve's X-HMAC-Timestamp, moved from the header to the end of a deflate or br body, kept the HMAC
 * (over body and timestamp) valid while the timestamp window, checked only when the header is there,
 * was skipped. Data after the end of the stream is 400 `malformed_encoding`; zero bytes are not (gzip
 * tools pad with them, and node:zlib accepts them after a gzip member on purpose).
 */
function wholeInputRead(decoded: DecodedWithInfo, input: Buffer, decoder: ZlibDecoder): Buffer {
  const rest = input.subarray(decoded.engine.bytesWritten);
  if (rest.some((byte) => byte !== 0)) throw malformedEncoding(decoder.coding, `${rest.length} bytes after the end of the compressed data`);
  return decoded.buffer;
}

/**
 * Decodes `input`, which says it decodes to exactly `size` bytes (a zstd frame's Frame_Content_Size), in
 * one call whose output buffer is that size: the result is that buffer, never a concatenation of chunks,
 * so a 10 MiB body holds 10 MiB rather than 20 while it is put together. Synchronous up to
 * `SYNC_OUTPUT_BUDGET`, on the thread pool beyond. Output past `size` stops the decompressor: the input
 * does not match what it declares, so that is 400 `malformed_encoding`, as is any other engine error.
 * The caller checks that the output reaches `size`.
 */
export async function decodeWithZlibExact(decoder: ZlibDecoder, input: Buffer, size: number): Promise<Buffer> {
  // maxOutputLength must be at least 1 and chunkSize at least 64. One byte of room past `size` lets the
  // decompressor finish inside the first output buffer, instead of allocating a second one to find out.
  const options = { ...decoder.options, maxOutputLength: Math.max(size, 1), chunkSize: Math.max(size + 1, 64), info: true as const };
  let decoded: DecodedWithInfo;
  try {
    decoded = size <= SYNC_OUTPUT_BUDGET ? decodeSync(decoder, input, options) : await decodeAsync(decoder, input, options);
  } catch (error) {
    if (isOutputTooLarge(error)) throw malformedEncoding(decoder.coding, 'declared content size does not match the data', error);
    throw toWebhookError(error, decoder, size);
  }
  return wholeInputRead(decoded, input, decoder);
}

/**
 * Whether a `deflate` body carries the zlib wrapper (RFC 1950) that HTTP's `deflate` means. Some senders
 * send raw deflate (RFC 1951) instead; a raw stream almost never starts with a valid zlib header, the same
 * test browsers and curl use.
 */
export function hasZlibHeader(input: Uint8Array): boolean {
  const cmf = input[0];
  const flg = input[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

function isOutputTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function toWebhookError(error: unknown, decoder: ZlibDecoder, reportedLimit: number): Error {
  if (isOutputTooLarge(error)) return decodedTooLarge(reportedLimit);
  // Engine errors carry a numeric errno and a fixed message such as "unexpected end of file".
  if (error instanceof Error && typeof (error as { errno?: unknown }).errno === 'number') {
    return malformedEncoding(decoder.coding, error.message, error);
  }
  return error instanceof Error ? error : new Error(String(error));
}
