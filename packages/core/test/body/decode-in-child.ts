/**
 * Child-process side of `decodeInChild` (fixtures.ts): decodes one file and prints one JSON line with the
 * outcome and the peak resident memory the decode added. Run with --expose-gc under tsx.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { decodeBody } from '../../src/body/decode-body.js';
import { decodeZstdWithJs, decodeZstdWithZlib } from '../../src/body/zstd-decoder.js';
import { isWebhookError } from '../../src/errors/webhook-error.js';
import type { ChildJob } from './fixtures.js';

const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
const input = readFileSync(job.file);

async function decode(body: Buffer): Promise<Buffer> {
  switch (job.decoder) {
    case 'decodeBody':
      return decodeBody(body, job.contentEncoding, job.maxDecodedBytes);
    case 'zstd-js':
      return decodeZstdWithJs(body, job.maxDecodedBytes);
    case 'zstd-zlib':
      return decodeZstdWithZlib(body, job.maxDecodedBytes);
    case 'naive-gunzip':
      return zlib.gunzipSync(body);
  }
}

function statusKiB(field: string): number | undefined {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

// Warm up the same code path on a small body so lazy initialisation and JIT do not count as growth.
await decode(input.subarray(0, Math.min(input.length, 64))).catch(() => undefined);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();

// Linux: writing 5 to clear_refs resets the peak (VmHWM) to the current RSS, so the peak is this decode's.
let peakSource = 'VmHWM';
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {
  peakSource = 'maxRSS';
}
const baseline = statusKiB('VmRSS') ?? process.memoryUsage().rss / 1024;
const started = performance.now();
let outcome = 'ok';
let bytes = 0;
try {
  bytes = (await decode(input)).length;
} catch (error) {
  outcome = isWebhookError(error) ? error.code : `unexpected: ${String(error)}`;
}
const ms = performance.now() - started;
const peak = (peakSource === 'VmHWM' ? statusKiB('VmHWM') : undefined) ?? process.resourceUsage().maxRSS;
process.stdout.write(`${JSON.stringify({ outcome, bytes, peakGrowth: (peak - baseline) * 1024, ms, peakSource })}\n`);
