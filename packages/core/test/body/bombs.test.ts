import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/body/decode-body.js';
import { decodeZstdWithJs, decodeZstdWithZlib, hasNativeZstd } from '../../src/body/zstd-decoder.js';
import { makeBombs, type Bombs } from './bombs.js';
import { decodeInChild, expectWebhookError, type ChildJob } from './fixtures.js';

const MiB = 1024 * 1024;
const LIMIT = 10 * MiB;
// Output up to the limit, the compressed input, a chunk or two in flight and allocator slack; a decoder
// that inflates a bomb fully (1 GiB) or even to a tenth of it is far above this.
const MAX_PEAK_GROWTH = 3 * LIMIT + 32 * MiB;

let dir: string;
let bombs: Bombs;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wearhook-bombs-'));
  bombs = await makeBombs(dir);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Case = { name: string; file: () => string; coding: string };
const CASES: Case[] = [
  { name: 'zstd from a pipe (no declared size)', file: () => bombs.zstdPipe, coding: 'zstd' },
  { name: 'zstd with a declared size', file: () => bombs.zstdSized, coding: 'zstd' },
  { name: 'zstd of repeated text (compressed blocks)', file: () => bombs.zstdText, coding: 'zstd' },
  { name: 'gzip', file: () => bombs.gzip, coding: 'gzip' },
  { name: 'br', file: () => bombs.br, coding: 'br' },
];

describe('1 GiB decompression bombs', () => {
  it('are small on the wire (the fixtures are what they claim)', () => {
    for (const { file } of CASES) expect(statSync(file()).size).toBeLessThan(8 * MiB);
  });

  it.each(CASES)('$name is refused with 413 decoded_body_too_large', async ({ file, coding }) => {
    const error = await expectWebhookError(decodeBody(readFileSync(file()), coding, LIMIT), 'decoded_body_too_large');
    expect(error.status).toBe(413);
    expect(error.message).toContain(String(LIMIT));
  });

  it.each(CASES.filter((c) => c.coding === 'zstd'))('$name is refused by both zstd paths', async ({ file }) => {
    const body = readFileSync(file());
    await expectWebhookError(Promise.resolve().then(() => decodeZstdWithJs(body, LIMIT)), 'decoded_body_too_large');
    if (hasNativeZstd()) await expectWebhookError(decodeZstdWithZlib(body, LIMIT), 'decoded_body_too_large');
  });
});

describe('memory while refusing a bomb (measured in a child process)', () => {
  const jobs: { name: string; job: () => ChildJob }[] = CASES.map(({ name, file, coding }) => ({
    name: `decodeBody, ${name}`,
    job: () => ({ file: file(), contentEncoding: coding, maxDecodedBytes: LIMIT, decoder: 'decodeBody' }),
  }));
  for (const { name, file } of CASES.filter((c) => c.coding === 'zstd')) {
    jobs.push({
      name: `pure-JS zstd, ${name}`,
      job: () => ({ file: file(), contentEncoding: 'zstd', maxDecodedBytes: LIMIT, decoder: 'zstd-js' }),
    });
  }

  it.each(jobs)('$name stays below 3 x limit + 32 MiB', ({ job }) => {
    const result = decodeInChild(job());
    console.warn(`[bomb memory] ${JSON.stringify({ ...job(), file: undefined, ...result })}`);
    expect(result.outcome).toBe('decoded_body_too_large');
    expect(result.peakGrowth).toBeLessThan(MAX_PEAK_GROWTH);
  });

  it('the measurement catches a decoder without a limit (control)', () => {
    // 128 MiB of zeros through plain gunzipSync: the same probe must see the full inflation.
    const result = decodeInChild({ file: bombs.gzipControl, contentEncoding: 'gzip', maxDecodedBytes: LIMIT, decoder: 'naive-gunzip' });
    console.warn(`[bomb memory] control ${JSON.stringify(result)}`);
    expect(result.outcome).toBe('ok');
    expect(result.bytes).toBe(128 * MiB);
    expect(result.peakGrowth).toBeGreaterThan(MAX_PEAK_GROWTH);
  });
});
