import * as zlib from 'node:zlib';

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const MAX_RAW_BLOCK = 128 * 1024 - 1;

type ZstdCompressSync = (data: Uint8Array) => Buffer;

/**
 * zstd-compresses `data` for test deliveries. Node 22.15+ compresses for real; older Node has no zstd
 * encoder, so the data is wrapped in a valid zstd frame of raw (stored) blocks, which every zstd
 * decoder, Thryve's receivers included, must accept. Either way the result is `Content-Encoding: zstd`.
 */
export function zstdCompress(data: Uint8Array): Buffer {
  const native = (zlib as unknown as { zstdCompressSync?: ZstdCompressSync }).zstdCompressSync;
  return native === undefined ? zstdStoredFrame(data) : native(data);
}

/** A single zstd frame holding `data` in raw blocks, with its content size declared. */
export function zstdStoredFrame(data: Uint8Array): Buffer {
  // Frame header descriptor 0xE0: 8-byte content size, single segment (no window descriptor), no checksum.
  const header = Buffer.alloc(4 + 1 + 8);
  header.set(ZSTD_MAGIC, 0);
  header[4] = 0xe0;
  header.writeBigUInt64LE(BigInt(data.length), 5);
  const parts: Uint8Array[] = [header];
  let offset = 0;
  do {
    const size = Math.min(MAX_RAW_BLOCK, data.length - offset);
    const last = offset + size >= data.length ? 1 : 0;
    const blockHeader = Buffer.alloc(3);
    // Block header: bit 0 last block, bits 1-2 type (0 = raw), bits 3-23 size.
    blockHeader.writeUIntLE((size << 3) | last, 0, 3);
    parts.push(blockHeader, data.subarray(offset, offset + size));
    offset += size;
  } while (offset < data.length);
  return Buffer.concat(parts);
}
