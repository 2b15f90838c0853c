// Real zstd compression for fixtures on every Node version. Node 20 has no zstd encoder (wearhook's own
// testing kit falls back to stored, uncompressed blocks there, which would make decoding look free), so
// the benchmarks compress with libzstd compiled to WebAssembly: the same bytes on every Node.
import { compress, init } from '@bokuweb/zstd-wasm';

let ready: Promise<void> | undefined;

/** zstd level of the fixtures: zstd's default, what a sender that sets nothing gets. */
export const ZSTD_LEVEL = 3;

/** Resolves once the WebAssembly module is loaded; then `zstd()` may be called. */
export function zstdReady(): Promise<void> {
  return (ready ??= init());
}

/** One zstd frame of `data` (content size declared). Call `await zstdReady()` first. */
export function zstd(data: Uint8Array, level = ZSTD_LEVEL): Buffer {
  const out = compress(data, level);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
