import { WebhookError } from '../errors/webhook-error.js';
import { decodedTooLarge, malformedEncoding } from './body-errors.js';

/** One Zstandard frame found in a body (skippable frames are left out). */
export interface ZstdFrame {
  /** Offset of the frame's magic number in the body. */
  readonly start: number;
  /** Offset just past the frame (after its checksum, if any). */
  readonly end: number;
  /** The window the frame asks for, in bytes. */
  readonly windowSize: number;
  /** Frame_Content_Size when the header declares it. */
  readonly contentSize: number | undefined;
  /** The most this frame can decode to, from its header and block sizes; exact when declared. */
  readonly maxOutput: number;
}

/** What a body's frames promise before any decoding. */
export interface ZstdScan {
  readonly frames: readonly ZstdFrame[];
  /** Sum of the frames' `maxOutput`: decoding can never produce more. */
  readonly maxOutput: number;
}

/**
 * RFC 9659: the `zstd` HTTP content coding uses windows of at most 8 MiB and decoders may refuse larger.
 * Larger windows are still accepted up to the decoded limit, since a window never needs to exceed the
 * output it serves.
 */
export const RFC9659_MAX_WINDOW = 8 * 1024 * 1024;

/**
 * Real senders write one frame, or a few hundred at most (one per flushed chunk). Without a cap, a body of
 * tiny frames would cost a decoder setup and a bookkeeping object per handful of bytes.
 */
export const MAX_ZSTD_FRAMES = 4096;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const MAX_BLOCK_SIZE = 128 * 1024;
const BLOCK_RAW = 0;
const BLOCK_RLE = 1;
const BLOCK_RESERVED = 3;

/**
 * Walks the frames and blocks of a zstd body without decoding it, so that a bomb or a broken body is
 * refused before any memory is spent on output. Throws 413 `decoded_body_too_large` when the declared
 * content sizes, or the exactly-known sizes of raw and RLE blocks, already exceed `maxDecodedBytes`, or
 * when a frame asks for a window larger than `max(8 MiB, maxDecodedBytes)`; throws 400
 * `malformed_encoding` for a truncated body, a bad magic number, reserved bits, oversized blocks,
 * dictionary frames or more than `MAX_ZSTD_FRAMES` frames.
 */
export function scanZstdFrames(body: Uint8Array, maxDecodedBytes: number): ZstdScan {
  if (body.length === 0) throw malformedEncoding('zstd', 'empty body');
  const frames: ZstdFrame[] = [];
  let maxOutput = 0;
  let minOutput = 0;
  let offset = 0;
  for (let count = 0; offset < body.length; count++) {
    if (count === MAX_ZSTD_FRAMES) throw malformedEncoding('zstd', `more than ${MAX_ZSTD_FRAMES} frames`);
    const magic = readU32(body, offset);
    if (magic === ZSTD_MAGIC) {
      const frame = scanFrame(body, offset, maxDecodedBytes);
      frames.push(frame.frame);
      maxOutput += frame.frame.maxOutput;
      minOutput += frame.minOutput;
      if (minOutput > maxDecodedBytes) throw decodedTooLarge(maxDecodedBytes, 'The zstd body decodes to');
      offset = frame.frame.end;
    } else if (magic !== undefined && (magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      const size = readU32(body, offset + 4);
      if (size === undefined || offset + 8 + size > body.length) throw truncated();
      offset += 8 + size;
    } else {
      throw malformedEncoding('zstd', offset === 0 ? 'no zstd magic number' : 'unexpected bytes after a frame');
    }
  }
  return { frames, maxOutput };
}

function scanFrame(
  body: Uint8Array,
  start: number,
  maxDecodedBytes: number,
): { frame: ZstdFrame; minOutput: number } {
  let at = start + 4;
  const descriptor = body[at++];
  if (descriptor === undefined) throw truncated();
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const hasChecksum = (descriptor & 0x04) !== 0;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03] ?? 0;
  if ((descriptor & 0x08) !== 0) throw malformedEncoding('zstd', 'reserved frame header bit set');

  let windowSize = 0;
  if (!singleSegment) {
    const windowDescriptor = body[at++];
    if (windowDescriptor === undefined) throw truncated();
    const base = 2 ** (10 + (windowDescriptor >> 3));
    windowSize = base + (base / 8) * (windowDescriptor & 0x07);
  }
  const dictionaryId = readLittleEndian(body, at, dictionaryIdBytes);
  at += dictionaryIdBytes;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag] ?? 0;
  let contentSize = readLittleEndian(body, at, contentSizeBytes);
  at += contentSizeBytes;
  if (at > body.length || contentSize === undefined || dictionaryId === undefined) throw truncated();
  if (dictionaryId !== 0) throw malformedEncoding('zstd', 'frame needs a dictionary');
  if (contentSizeBytes === 2) contentSize += 256;
  const declared = contentSizeBytes === 0 ? undefined : contentSize;
  if (singleSegment) windowSize = contentSize;

  if (declared !== undefined && declared > maxDecodedBytes) {
    throw decodedTooLarge(maxDecodedBytes, `The zstd frame declares ${declared} decoded bytes,`, Number(declared));
  }
  const maxWindow = Math.max(RFC9659_MAX_WINDOW, maxDecodedBytes);
  if (windowSize > maxWindow) {
    throw new WebhookError(
      'decoded_body_too_large',
      `The zstd frame asks for a ${windowSize}-byte window; wearhook accepts at most ${maxWindow} bytes ` +
        '(RFC 9659 limits HTTP zstd windows to 8 MiB). Compress with a smaller window (no --long, level 19 ' +
        'or lower), or raise limits.maxDecodedBytes.',
    );
  }

  const blockMax = Math.min(windowSize, MAX_BLOCK_SIZE);
  let maxOutput = 0;
  let minOutput = 0;
  for (;;) {
    const header = readLittleEndian(body, at, 3);
    if (header === undefined) throw truncated();
    at += 3;
    const last = (header & 1) === 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === BLOCK_RESERVED) throw malformedEncoding('zstd', 'reserved block type');
    if (size > blockMax) throw malformedEncoding('zstd', 'block larger than the format allows');
    if (type === BLOCK_RAW || type === BLOCK_RLE) {
      maxOutput += size;
      minOutput += size;
    } else {
      maxOutput += blockMax;
    }
    at += type === BLOCK_RLE ? 1 : size;
    if (at > body.length) throw truncated();
    if (last) break;
  }
  if (hasChecksum) at += 4;
  if (at > body.length) throw truncated();

  if (declared !== undefined) {
    if (declared > maxOutput || declared < minOutput) {
      throw malformedEncoding('zstd', 'declared content size does not match the blocks');
    }
    maxOutput = declared;
  }
  return { frame: { start, end: at, windowSize, contentSize: declared, maxOutput }, minOutput };
}

function truncated(): WebhookError {
  return malformedEncoding('zstd', 'truncated');
}

function readU32(body: Uint8Array, at: number): number | undefined {
  return readLittleEndian(body, at, 4);
}

/** Reads `length` bytes (0 to 8) as an unsigned little-endian integer; `undefined` past the end. */
function readLittleEndian(body: Uint8Array, at: number, length: number): number | undefined {
  if (at + length > body.length) return undefined;
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + (body[at + i] ?? 0);
  return value;
}
