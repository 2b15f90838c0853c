import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { WebhookError, type WebhookErrorCode } from '../../src/errors/webhook-error.js';

/** A Thryve-like delivery of about `bytes` bytes: JSON, repetitive like the real thing. */
export function samplePayload(bytes = 2500): Buffer {
  const points: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const point = JSON.stringify({
      startTimestamp: new Date(1_714_348_800_000 + i * 60_000).toISOString(),
      dataTypeId: 1000 + (i % 7),
      value: ((i * 37) % 200).toFixed(1),
      additionalDetails: { dataTypeName: 'HeartRate', valueType: 'DOUBLE', generationType: 'automated' },
    });
    points.push(point);
    size += point.length + 1;
  }
  const json = `{"endUserId":"u-1","timestampType":"iso","type":"event.data.epoch.create","data":{"dataSourceId":1,"epochData":[${points.join(',')}]}}`;
  return Buffer.from(json.slice(0, Math.max(bytes, 2)));
}

/** The zstd command-line tool; CI installs Debian's `zstd` package. */
export const ZSTD_CLI = '/usr/bin/zstd';

/** Runs the zstd CLI on stdin, as `cat file | zstd -c` would: the frame declares no content size. */
export function zstdCliPipe(input: Uint8Array, args: readonly string[] = []): Buffer {
  return execFileSync(ZSTD_CLI, ['-c', '-q', ...args], { input, maxBuffer: 64 * 1024 * 1024 });
}

/** Runs the zstd CLI on a file, as `zstd file` would: the frame declares its content size. */
export function zstdCliFile(path: string, args: readonly string[] = []): Buffer {
  return execFileSync(ZSTD_CLI, ['-c', '-q', ...args, path], { maxBuffer: 64 * 1024 * 1024 });
}

/**
 * zstd by whatever this machine has: node:zlib when it has zstd, else the CLI. Both write a checksum, as
 * the CLI does by default: without one, corruption that keeps the format valid is undetectable.
 */
export function zstdCompress(input: Uint8Array, level = 3): Buffer {
  const native = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array, o: object) => Buffer }).zstdCompressSync;
  const constants = zlib.constants as Record<string, number | undefined>;
  const levelKey = constants.ZSTD_c_compressionLevel;
  const checksumKey = constants.ZSTD_c_checksumFlag;
  if (native && levelKey !== undefined && checksumKey !== undefined) {
    return native(input, { params: { [levelKey]: level, [checksumKey]: 1 } });
  }
  return zstdCliPipe(input, [`-${level}`]);
}

/** Every supported coding, applied the way a sender would. */
export const COMPRESSORS: Readonly<Record<string, (input: Buffer) => Buffer>> = {
  gzip: (input) => zlib.gzipSync(input),
  'x-gzip': (input) => zlib.gzipSync(input),
  deflate: (input) => zlib.deflateSync(input),
  br: (input) => zlib.brotliCompressSync(input, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 6 } }),
  zstd: (input) => zstdCompress(input),
};

/** Applies a `Content-Encoding` header's codings in the order they are listed. */
export function encodeWith(contentEncoding: string, input: Buffer): Buffer {
  let body = input;
  for (const name of contentEncoding.split(',').map((part) => part.trim().toLowerCase())) {
    if (name === '' || name === 'identity') continue;
    const compress = COMPRESSORS[name];
    if (!compress) throw new Error(`no compressor for ${name}`);
    body = compress(body);
  }
  return body;
}

export type ZstdBlock =
  | { readonly type: 'raw'; readonly data: Uint8Array }
  | { readonly type: 'rle'; readonly byte: number; readonly size: number }
  | { readonly type: 'compressed'; readonly data: Uint8Array };

export interface ZstdFrameSpec {
  readonly blocks: readonly ZstdBlock[];
  /** Declared Frame_Content_Size (4-byte field), or none. */
  readonly contentSize?: number;
  /** Window_Descriptor byte; default 0x58 (2 MiB), what the CLI writes for level 3 from a pipe. */
  readonly windowDescriptor?: number;
  readonly singleSegment?: boolean;
  readonly dictionaryId?: number;
  /** Extra bits OR-ed into the frame header descriptor (to set reserved bits). */
  readonly descriptorBits?: number;
}

/**
 * Builds a zstd frame by hand from raw, RLE or pre-made compressed blocks, without a checksum. Valid
 * frames decode with any zstd decoder; the options also make the invalid ones the guards must refuse.
 */
export function zstdFrame(spec: ZstdFrameSpec): Buffer {
  const single = spec.singleSegment === true;
  const hasSize = spec.contentSize !== undefined;
  const dictBytes = spec.dictionaryId === undefined ? 0 : 4;
  const descriptor = (hasSize ? 2 << 6 : 0) | (single ? 0x20 : 0) | (dictBytes ? 3 : 0) | (spec.descriptorBits ?? 0);
  if (single && !hasSize) throw new Error('a single-segment frame needs a content size');
  const header: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  header.push(descriptor);
  if (!single) header.push(spec.windowDescriptor ?? 0x58);
  if (dictBytes) header.push(...u32(spec.dictionaryId ?? 0));
  if (hasSize) header.push(...u32(spec.contentSize ?? 0));
  const parts: Buffer[] = [Buffer.from(header)];
  spec.blocks.forEach((block, index) => {
    const last = index === spec.blocks.length - 1 ? 1 : 0;
    if (block.type === 'rle') {
      parts.push(blockHeader(last, 1, block.size), Buffer.from([block.byte]));
    } else {
      parts.push(blockHeader(last, block.type === 'raw' ? 0 : 2, block.data.length), Buffer.from(block.data));
    }
  });
  return Buffer.concat(parts);
}

/** A skippable frame carrying `payload` (ignored by decoders). */
export function skippableFrame(payload: Uint8Array, variant = 0): Buffer {
  return Buffer.concat([Buffer.from([0x50 + variant, 0x2a, 0x4d, 0x18]), Buffer.from(u32(payload.length)), Buffer.from(payload)]);
}

function blockHeader(last: number, type: number, size: number): Buffer {
  const value = last | (type << 1) | (size << 3);
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** Asserts that `promise` rejects with a `WebhookError` of `code`, and returns it. */
export async function expectWebhookError(promise: Promise<unknown>, code: WebhookErrorCode): Promise<WebhookError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected a rejection with ${code}`).toBeInstanceOf(WebhookError);
  expect((error as WebhookError).code).toBe(code);
  return error as WebhookError;
}

export interface ChildResult {
  /** 'ok' or a WebhookError code. */
  readonly outcome: string;
  readonly bytes: number;
  /** Peak resident memory above the baseline taken just before decoding, in bytes. */
  readonly peakGrowth: number;
  readonly ms: number;
  readonly peakSource: string;
}

export interface ChildJob {
  readonly file: string;
  readonly contentEncoding: string;
  readonly maxDecodedBytes: number;
  /** `decodeBody`, or one zstd path, or `naive-gunzip` (no limit: the control). */
  readonly decoder: 'decodeBody' | 'zstd-js' | 'zstd-zlib' | 'naive-gunzip';
}

const require = createRequire(import.meta.url);
const CHILD_SCRIPT = fileURLToPath(new URL('./decode-in-child.ts', import.meta.url));

/**
 * Decodes a file in a fresh Node process (the same binary as the tests) and reports its peak memory, so
 * the measurement sees one decode and nothing else. Also a hang guard: the child is killed after
 * `timeoutMs` and the test fails instead of blocking the run.
 */
export function decodeInChild(job: ChildJob, timeoutMs = 60_000): ChildResult {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', require.resolve('tsx'), CHILD_SCRIPT, JSON.stringify(job)],
    { encoding: 'utf8', timeout: timeoutMs },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`child failed (${result.status ?? result.signal}): ${result.stderr}`);
  const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(lastLine) as ChildResult;
}
