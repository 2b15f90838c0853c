import { decodedTooLarge, malformedEncoding } from './body-errors.js';
import { parseContentEncoding, type ContentCoding } from './content-encoding.js';
import { BROTLI, decodeWithZlib, GUNZIP, hasZlibHeader, INFLATE, INFLATE_RAW } from './zlib-decode.js';
import { decodeZstd } from './zstd-decoder.js';

type Decode = (input: Buffer, maxDecodedBytes: number) => Promise<Buffer>;

const DECODERS: Readonly<Record<ContentCoding, Decode>> = {
  gzip: (input, max) => decodeWithZlib(GUNZIP, input, max),
  // HTTP's "deflate" is zlib-wrapped (RFC 9110), but some senders send raw deflate: accept both.
  deflate: (input, max) => decodeWithZlib(hasZlibHeader(input) ? INFLATE : INFLATE_RAW, input, max),
  br: (input, max) => decodeWithZlib(BROTLI, input, max),
  zstd: decodeZstd,
};

/**
 * Undoes the body's `Content-Encoding`: identity (or no header), gzip, x-gzip, deflate (zlib-wrapped or
 * raw), br and zstd, case-insensitive, and comma-separated stacks such as `gzip, zstd` (decoded in reverse
 * order of application). `maxDecodedBytes` holds while decoding, at every step of a stack: a small bomb
 * never allocates much more than the limit. Returns `wire` itself when there is nothing to decode.
 *
 * Throws `WebhookError`: 415 `unsupported_content_encoding` for an unknown coding (before any work),
 * 413 `decoded_body_too_large`, 400 `malformed_encoding` for truncated or corrupt data (including an empty
 * body that claims a coding).
 */
export async function decodeBody(
  wire: Buffer,
  contentEncoding: string | undefined,
  maxDecodedBytes: number,
): Promise<Buffer> {
  const codings = parseContentEncoding(contentEncoding);
  let body = wire;
  for (let step = codings.length - 1; step >= 0; step--) {
    const coding = codings[step] as ContentCoding;
    if (body.length === 0) throw malformedEncoding(coding, 'empty body');
    body = await DECODERS[coding](body, maxDecodedBytes);
  }
  // Also covers identity bodies, when the wire limit is set above the decoded one.
  if (body.length > maxDecodedBytes) throw decodedTooLarge(maxDecodedBytes);
  return body;
}
