import zlib from 'node:zlib';
import { decodedTooLarge, malformedEncoding } from './body-errors.js';
import { decodeZstdFrameInto, ZstdOutputFull } from './vendor/fzstd.js';
import { decodeWithZlib, decodeWithZlibExact, type ZlibDecoder } from './zlib-decode.js';
import { RFC9659_MAX_WINDOW, scanZstdFrames, type ZstdFrame, type ZstdScan } from './zstd-frames.js';

type ZstdZlib = {
  zstdDecompressSync?: ZlibDecoder['sync'];
  zstdDecompress?: ZlibDecoder['async'];
  constants: Record<string, number | undefined>;
};

// node:zlib has zstd from Node 22.15 / 23.8; detect the functions rather than the version.
const nativeZlib = zlib as unknown as ZstdZlib;
const NATIVE_ZSTD =
  typeof nativeZlib.zstdDecompressSync === 'function' && typeof nativeZlib.zstdDecompress === 'function'
    ? { sync: nativeZlib.zstdDecompressSync, async: nativeZlib.zstdDecompress }
    : undefined;

/**
 * Each node:zlib call sets up a fresh decoder (20–25 µs on Node 24, more under load); the pure-JS decoder
 * starts a frame in a few µs. A body of many small frames therefore goes to the JS decoder even where
 * node:zlib has zstd.
 */
const MAX_NATIVE_FRAMES = 16;

/**
 * Bodies whose frames can decode to at most this many bytes go to the JS decoder even where node:zlib
 * has zstd: for them it is the faster of the two. Node 24, frames declaring their size: 2.7 KiB (a typical
 * delivery, 531 bytes on the wire) 17 against 28 µs, 8 KiB 26 against 30 µs, break-even near 12 KiB,
 * node:zlib 15% ahead at 16 KiB and 30% at 32 KiB. Only frames that declare their size, or whose
 * blocks are this small, qualify: a frame without a declared size may decode to a whole block (128 KiB).
 */
export const JS_MAX_OUTPUT = 8 * 1024;

/** Whether this Node's node:zlib can decode zstd (Node >= 22.15 / 23.8). */
export function hasNativeZstd(): boolean {
  return NATIVE_ZSTD !== undefined;
}

/**
 * Decodes a zstd body (one or more frames, skippable frames ignored) without ever holding more than about
 * `maxDecodedBytes` of output. Uses node:zlib where this Node has zstd, except for small bodies (see
 * `JS_MAX_OUTPUT`) and bodies of many frames, otherwise a pure-JS decoder, so nothing native is needed on
 * Node 20. Throws 413 `decoded_body_too_large` or 400 `malformed_encoding`.
 */
export async function decodeZstd(body: Buffer, maxDecodedBytes: number): Promise<Buffer> {
  const scan = scanZstdFrames(body, maxDecodedBytes);
  return NATIVE_ZSTD && scan.frames.length <= MAX_NATIVE_FRAMES && scan.maxOutput > JS_MAX_OUTPUT
    ? decodeScannedWithZlib(body, scan, maxDecodedBytes)
    : decodeScannedWithJs(body, scan, maxDecodedBytes);
}

/**
 * The node:zlib path on its own (for tests and benchmarks). Throws a plain Error when this Node has no
 * zstd in node:zlib.
 */
export async function decodeZstdWithZlib(body: Buffer, maxDecodedBytes: number): Promise<Buffer> {
  if (!NATIVE_ZSTD) throw new Error('node:zlib has no zstd decoder in this Node version');
  return decodeScannedWithZlib(body, scanZstdFrames(body, maxDecodedBytes), maxDecodedBytes);
}

/**
 * The pure-JS path on its own (a vendored, hardened fzstd). Output goes straight into one buffer sized by
 * what the frames can produce, capped at `maxDecodedBytes`, so a bomb fills at most that buffer and stops.
 * Synchronous, so it blocks the event loop while it runs: 15–20 µs for a typical 2.5 KB delivery, about
 * 3 ms per decoded MB (node:zlib is 4–5x faster on large bodies that declare their size).
 */
export function decodeZstdWithJs(body: Buffer, maxDecodedBytes: number): Buffer {
  return decodeScannedWithJs(body, scanZstdFrames(body, maxDecodedBytes), maxDecodedBytes);
}

// Frames are decoded one by one because node:zlib's zstd decoder stops after the first frame (and
// returns nothing when a skippable frame comes first). A frame that declares its size is decoded in one
// call into a buffer of that size; one that does not, synchronously within a budget and then on the
// thread pool (see decodeWithZlib).
async function decodeScannedWithZlib(body: Buffer, scan: ZstdScan, maxDecodedBytes: number): Promise<Buffer> {
  const native = NATIVE_ZSTD as NonNullable<typeof NATIVE_ZSTD>;
  const decoder: ZlibDecoder = { coding: 'zstd', ...native, options: windowLimitOptions(maxDecodedBytes) };
  const parts: Buffer[] = [];
  let written = 0;
  for (const frame of scan.frames) {
    const frameBytes = body.subarray(frame.start, frame.end);
    const remaining = maxDecodedBytes - written;
    // A later frame declaring more than the room left: refused before decoding, as the scan refuses a
    // single frame that declares more than the limit.
    if (frame.contentSize !== undefined && frame.contentSize > remaining) throw decodedTooLarge(maxDecodedBytes);
    const part =
      frame.contentSize === undefined
        ? await decodeWithZlib(decoder, frameBytes, remaining, maxDecodedBytes)
        : await decodeWithZlibExact(decoder, frameBytes, frame.contentSize);
    checkDeclaredSize(frame, part.length);
    parts.push(part);
    written += part.length;
  }
  return parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts, written);
}

/**
 * A frame without a declared size that has one compressed block may decode to anything up to 128 KiB, and
 * a fresh zeroed buffer that size costs ~45 µs, more than decoding a typical delivery. Small bodies are
 * therefore decoded into one reused buffer and copied out. Safe because decoding is synchronous.
 */
const SCRATCH_BYTES = 256 * 1024;
let scratch: Uint8Array | undefined;

function decodeScannedWithJs(body: Buffer, scan: ZstdScan, maxDecodedBytes: number): Buffer {
  const capacity = Math.min(scan.maxOutput, maxDecodedBytes);
  if (capacity > SCRATCH_BYTES) {
    return exactBuffer(decodeFramesInto(body, scan.frames, new Uint8Array(capacity), maxDecodedBytes));
  }
  const out = (scratch ??= new Uint8Array(SCRATCH_BYTES)).subarray(0, capacity);
  try {
    return Buffer.from(decodeFramesInto(body, scan.frames, out, maxDecodedBytes));
  } finally {
    // Whatever this body left in the scratch buffer must not outlive it, even after an error.
    out.fill(0);
  }
}

/** Decodes every frame into `out`, one after another; returns the filled part of `out`. */
function decodeFramesInto(
  body: Buffer,
  frames: readonly ZstdFrame[],
  out: Uint8Array,
  maxDecodedBytes: number,
): Uint8Array {
  const capacity = out.length;
  let written = 0;
  for (const frame of frames) {
    const end = written + frame.maxOutput;
    const room = out.subarray(written, Math.min(end, capacity));
    let length: number;
    try {
      length = decodeZstdFrameInto(body.subarray(frame.start, frame.end), room);
    } catch (error) {
      // Running out of room is the limit speaking only when the room was cut short by the limit.
      if (error instanceof ZstdOutputFull && end > capacity) throw decodedTooLarge(maxDecodedBytes);
      const reason = error instanceof ZstdOutputFull ? 'frame larger than its blocks allow' : decoderReason(error);
      throw malformedEncoding('zstd', reason, error);
    }
    checkDeclaredSize(frame, length);
    written += length;
  }
  return out.subarray(0, written);
}

function checkDeclaredSize(frame: ZstdFrame, length: number): void {
  if (frame.contentSize !== undefined && length !== frame.contentSize) {
    throw malformedEncoding('zstd', 'declared content size does not match the data');
  }
}

/** Lets libzstd refuse oversized windows on its own too, matching `scanZstdFrames`. */
function windowLimitOptions(maxDecodedBytes: number): ZlibDecoder['options'] {
  const key = nativeZlib.constants.ZSTD_d_windowLogMax;
  if (key === undefined) return undefined;
  const windowLog = Math.ceil(Math.log2(Math.max(RFC9659_MAX_WINDOW, maxDecodedBytes)));
  return { params: { [key]: Math.min(Math.max(windowLog, 10), 31) } };
}

// The vendored decoder's messages are fixed strings ("invalid zstd data", "unexpected EOF", ...).
function decoderReason(error: unknown): string {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number'
    ? error.message
    : 'invalid zstd data';
}

/** A view when most of the buffer is used, else a right-sized copy so a small body does not pin a large one. */
function exactBuffer(filled: Uint8Array): Buffer {
  const view = Buffer.from(filled.buffer, filled.byteOffset, filled.length);
  return filled.buffer.byteLength > 2 * filled.length ? Buffer.from(view) : view;
}
