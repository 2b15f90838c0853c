import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { ZSTD_CLI } from './fixtures.js';

export const GiB = 1024 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** `total` bytes of `chunk` repeated, streamed so nothing large is ever in memory. */
function repeated(total: number, chunk: Buffer = Buffer.alloc(CHUNK)): Readable {
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

async function compressTo(path: string, total: number, compressor: Transform): Promise<string> {
  await pipeline(repeated(total), compressor, createWriteStream(path));
  return path;
}

/**
 * Pipes `total` bytes into the zstd CLI. From a pipe the frame declares no content size; with
 * `--stream-size` it declares it, as a frame compressed from a file would.
 */
async function zstdTo(path: string, total: number, chunk: Buffer, declareSize: boolean): Promise<string> {
  const args = ['-c', '-q', '-3', ...(declareSize ? [`--stream-size=${total}`] : [])];
  const child = spawn(ZSTD_CLI, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`zstd exited with ${code}`))));
  });
  await Promise.all([pipeline(repeated(total, chunk), child.stdin), pipeline(child.stdout, createWriteStream(path)), exited]);
  return path;
}

export interface Bombs {
  /** 1 GiB of zeros, zstd from a pipe (no declared size; mostly RLE blocks). */
  readonly zstdPipe: string;
  /** 1 GiB of zeros, zstd declaring its size. */
  readonly zstdSized: string;
  /** 1 GiB of repeated JSON text, zstd from a pipe: compressed blocks, so the decoder itself must stop. */
  readonly zstdText: string;
  readonly gzip: string;
  readonly br: string;
  /** 128 MiB of zeros, gzip: for the control run of a decoder without a limit. */
  readonly gzipControl: string;
}

/** Streams zeros (and text) through each compressor into `dir`; takes a few seconds, all in parallel. */
export async function makeBombs(dir: string): Promise<Bombs> {
  const text = Buffer.from('{"startTimestamp":"2024-04-29T00:00:00Z","dataTypeId":1000,"value":"53.0"},\n'.repeat(13_000));
  const [zstdPipe, zstdSized, zstdText, gzip, br, gzipControl] = await Promise.all([
    zstdTo(join(dir, 'zeros-pipe.zst'), GiB, Buffer.alloc(CHUNK), false),
    zstdTo(join(dir, 'zeros-sized.zst'), GiB, Buffer.alloc(CHUNK), true),
    zstdTo(join(dir, 'text-pipe.zst'), GiB, text, false),
    compressTo(join(dir, 'zeros.gz'), GiB, zlib.createGzip({ level: 6 })),
    compressTo(
      join(dir, 'zeros.br'),
      GiB,
      zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
    ),
    compressTo(join(dir, 'control.gz'), 128 * 1024 * 1024, zlib.createGzip({ level: 1 })),
  ]);
  return { zstdPipe, zstdSized, zstdText, gzip, br, gzipControl };
}
