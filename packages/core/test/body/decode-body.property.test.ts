import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/body/decode-body.js';
import { decodeZstdWithJs, decodeZstdWithZlib, hasNativeZstd } from '../../src/body/zstd-decoder.js';
import { isWebhookError } from '../../src/errors/webhook-error.js';
import { encodeWith, samplePayload, skippableFrame, zstdCliFile, zstdCliPipe, zstdFrame } from './fixtures.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DECODE_ERRORS = new Set(['malformed_encoding', 'decoded_body_too_large', 'unsupported_content_encoding']);
const LIMIT = 256 * 1024;

/** 'ok' for a Buffer within the limit, else the WebhookError code; anything else fails the property. */
async function outcome(run: () => Promise<Buffer> | Buffer, limit = LIMIT): Promise<string> {
  try {
    const body = await run();
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(limit);
    return 'ok';
  } catch (error) {
    if (!isWebhookError(error)) throw error;
    expect(DECODE_ERRORS).toContain(error.code);
    expect(error.message).not.toMatch(/endUserId|epochData/);
    return error.code;
  }
}

const header = fc.oneof(
  fc.constantFrom('gzip', 'x-gzip', 'deflate', 'br', 'zstd', 'identity', 'GZIP', 'Zstd', 'gzip, zstd', 'zstd, br', ''),
  fc.array(fc.constantFrom('gzip', 'deflate', 'br', 'zstd', 'identity', 'X-Gzip', 'bogus', ''), { maxLength: 6 }).map((names) => names.join(', ')),
  fc.string({ maxLength: 24 }),
  fc.constant(undefined),
);

/** Seeds: valid bodies for every coding, then mutated. */
function seeds(): { coding: string; body: Buffer }[] {
  const payloads = [samplePayload(300), samplePayload(5000), Buffer.from('{}')];
  const result: { coding: string; body: Buffer }[] = [];
  for (const coding of ['gzip', 'deflate', 'br', 'zstd', 'zstd, gzip']) {
    for (const payload of payloads) result.push({ coding, body: encodeWith(coding, payload) });
  }
  const dir = mkdtempSync(join(tmpdir(), 'wearhook-prop-'));
  try {
    const file = join(dir, 'p.json');
    writeFileSync(file, samplePayload(3000));
    result.push({ coding: 'zstd', body: zstdCliFile(file, ['-19']) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.push({ coding: 'zstd', body: zstdCliPipe(samplePayload(40_000), ['-1']) });
  result.push({
    coding: 'zstd',
    body: Buffer.concat([
      skippableFrame(Buffer.from('x')),
      zstdFrame({ contentSize: 70, blocks: [{ type: 'raw', data: Buffer.alloc(20, 0x41) }, { type: 'rle', byte: 0x42, size: 50 }] }),
    ]),
  });
  return result;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
);

function mutate(body: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(body);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at] = (out[at] ?? 0) ^ (1 << m.bit);
    else if (m.kind === 'set') out[at] = m.value;
    else if (m.kind === 'truncate') out = out.subarray(0, at);
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    else out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
  }
  return out;
}

const SEEDS = seeds();
const seed = fc.integer({ min: 0, max: SEEDS.length - 1 }).map((i) => SEEDS[i] ?? { coding: 'gzip', body: Buffer.alloc(0) });

describe('decodeBody never crashes, never hangs, and only fails with the documented codes', () => {
  it('random bytes under random Content-Encoding headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), header, async (bytes, contentEncoding) => {
        await outcome(() => decodeBody(Buffer.from(bytes), contentEncoding, LIMIT));
      }),
      { numRuns: 400 },
    );
  });

  it('mutated and truncated valid bodies, under their own or a random header', async () => {
    await fc.assert(
      fc.asyncProperty(
        seed,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.option(header, { freq: 4 }),
        fc.integer({ min: 0, max: 2 * LIMIT }),
        async ({ coding, body }, mutations, otherHeader, limit) => {
          const contentEncoding = otherHeader === null ? coding : otherHeader;
          await outcome(() => decodeBody(mutate(body, mutations), contentEncoding, limit), limit);
        },
      ),
      { numRuns: 800 },
    );
  });

  const zstdPaths = [{ name: 'pure JS', decode: (body: Buffer, max: number) => decodeZstdWithJs(body, max) }];
  if (hasNativeZstd()) zstdPaths.push({ name: 'node:zlib', decode: (body, max) => decodeZstdWithZlib(body, max) as never });

  it.each(zstdPaths)('mutated zstd bodies through the $name path', async ({ decode }) => {
    const zstdSeeds = SEEDS.filter((s) => s.coding === 'zstd');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: zstdSeeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (index, mutations) => {
          const body = mutate(zstdSeeds[index]?.body ?? Buffer.alloc(0), mutations);
          await outcome(() => decode(body, LIMIT));
        },
      ),
      { numRuns: 800 },
    );
  });
});

describe('round trips', () => {
  it('any payload through any stack of one or two codings comes back byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4000 }),
        fc.array(fc.constantFrom('gzip', 'x-gzip', 'deflate', 'br', 'zstd'), { minLength: 1, maxLength: 2 }),
        async (bytes, codings) => {
          const payload = Buffer.from(bytes);
          const contentEncoding = codings.join(', ');
          const decoded = await decodeBody(encodeWith(contentEncoding, payload), contentEncoding, LIMIT);
          expect(decoded.equals(payload)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
