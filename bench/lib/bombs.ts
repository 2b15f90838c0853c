// Decompression bombs for large-bodies.ts: 1 GiB of zeros (and of repeated JSON text) compressed by
// streaming, so nothing large is ever in memory while making them. Kept in bench/node_modules/.cache between
// runs. zstd ones come from the zstd command-line tool (Debian's `zstd`, which the test suite installs);
// without it, a hand-made frame of RLE blocks stands in.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { CACHE_DIR } from './child.js';

export const GiB = 1024 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const ZSTD_CLI = '/usr/bin/zstd';

export interface Bomb {
  readonly name: string;
  readonly file: string;
  readonly contentEncoding: string;
  readonly decodedBytes: number;
}

function repeated(total: number, chunk: Buffer): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const next = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += next.length;
      this.push(next);
    },
  });
}

async function viaZlib(path: string, total: number, compressor: Transform): Promise<void> {
  await pipeline(repeated(total, Buffer.alloc(CHUNK)), compressor, createWriteStream(path));
}

async function viaZstdCli(path: string, total: number, chunk: Buffer, declareSize: boolean): Promise<void> {
  const child = spawn(ZSTD_CLI, ['-c', '-q', '-3', ...(declareSize ? [`--stream-size=${total}`] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`zstd exited with ${String(code)}`))));
  });
  await Promise.all([pipeline(repeated(total, chunk), child.stdin), pipeline(child.stdout, createWriteStream(path)), exited]);
}

/** One zstd frame of RLE blocks of zeros (128 KiB each) without a declared content size. */
function handMadeZstdBomb(path: string, total: number): void {
  const block = 128 * 1024;
  const count = Math.ceil(total / block);
  const out = Buffer.alloc(4 + 2 + count * 4);
  out.writeUInt32LE(0xfd2fb528, 0);
  out[4] = 0x00; // no content size, not single-segment, no checksum
  out[5] = (17 - 10) << 3; // window 128 KiB
  let at = 6;
  for (let i = 0; i < count; i++) {
    const last = i === count - 1 ? 1 : 0;
    out.writeUIntLE((block << 3) | (1 << 1) | last, at, 3); // RLE block of `block` bytes
    out[at + 3] = 0;
    at += 4;
  }
  writeFileSync(path, out);
}

async function make(path: string, build: (tmp: string) => Promise<void> | void): Promise<string> {
  if (existsSync(path) && statSync(path).size > 0) return path;
  const tmp = `${path}.tmp`;
  await build(tmp);
  renameSync(tmp, path);
  return path;
}

/** The bombs, made once and cached. */
export async function bombs(): Promise<Bomb[]> {
  const dir = join(CACHE_DIR, 'bombs');
  mkdirSync(dir, { recursive: true });
  const cli = existsSync(ZSTD_CLI);
  const text = Buffer.from('{"startTimestamp":"2024-04-29T00:00:00Z","dataTypeId":1000,"value":"53.0"},\n'.repeat(13_000));
  const jobs: Promise<Bomb>[] = [
    make(join(dir, 'zeros-1g.gz'), (tmp) => viaZlib(tmp, GiB, zlib.createGzip({ level: 6 }))).then((file) => ({ name: 'gzip, 1 GiB of zeros', file, contentEncoding: 'gzip', decodedBytes: GiB })),
    make(join(dir, 'zeros-1g.br'), (tmp) =>
      viaZlib(tmp, GiB, zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } })),
    ).then((file) => ({ name: 'br, 1 GiB of zeros', file, contentEncoding: 'br', decodedBytes: GiB })),
  ];
  if (cli) {
    jobs.push(
      make(join(dir, 'zeros-1g-pipe.zst'), (tmp) => viaZstdCli(tmp, GiB, Buffer.alloc(CHUNK), false)).then((file) => ({
        name: 'zstd, 1 GiB of zeros, no declared size',
        file,
        contentEncoding: 'zstd',
        decodedBytes: GiB,
      })),
      make(join(dir, 'zeros-1g-sized.zst'), (tmp) => viaZstdCli(tmp, GiB, Buffer.alloc(CHUNK), true)).then((file) => ({
        name: 'zstd, 1 GiB of zeros, declared size',
        file,
        contentEncoding: 'zstd',
        decodedBytes: GiB,
      })),
      make(join(dir, 'text-1g-pipe.zst'), (tmp) => viaZstdCli(tmp, GiB, text, false)).then((file) => ({
        name: 'zstd, 1 GiB of repeated JSON text (compressed blocks)',
        file,
        contentEncoding: 'zstd',
        decodedBytes: GiB,
      })),
    );
  } else {
    jobs.push(
      make(join(dir, 'zeros-1g-rle.zst'), (tmp) => handMadeZstdBomb(tmp, GiB)).then((file) => ({
        name: 'zstd, 1 GiB of zeros in RLE blocks (hand-made; no zstd CLI here)',
        file,
        contentEncoding: 'zstd',
        decodedBytes: GiB,
      })),
    );
  }
  return Promise.all(jobs);
}
