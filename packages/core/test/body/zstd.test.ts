import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/body/decode-body.js';
import { decodeZstdWithJs, decodeZstdWithZlib, hasNativeZstd } from '../../src/body/zstd-decoder.js';
import { MAX_ZSTD_FRAMES, scanZstdFrames } from '../../src/body/zstd-frames.js';
import {
  decodeInChild,
  expectWebhookError,
  samplePayload,
  skippableFrame,
  zstdCliFile,
  zstdCliPipe,
  zstdCompress,
  zstdFrame,
} from './fixtures.js';

const MiB = 1024 * 1024;
const LIMIT = 4 * MiB;

type ZstdDecode = (body: Buffer, maxDecodedBytes: number) => Promise<Buffer>;
const PATHS: { name: string; decode: ZstdDecode }[] = [
  { name: 'pure JS', decode: async (body, max) => decodeZstdWithJs(body, max) },
  { name: 'decodeBody', decode: (body, max) => decodeBody(body, 'zstd', max) },
];
if (hasNativeZstd()) PATHS.push({ name: 'node:zlib', decode: decodeZstdWithZlib });

let dir: string;
const small = samplePayload(2500);
const large = samplePayload(MiB);
const files: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wearhook-zstd-'));
  for (const [name, data] of Object.entries({ small, large })) {
    files[name] = join(dir, `${name}.json`);
    writeFileSync(files[name], data);
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('uses node:zlib exactly when this Node has zstd there', () => {
  const native = typeof (zlib as unknown as Record<string, unknown>).zstdDecompressSync === 'function';
  expect(hasNativeZstd()).toBe(native);
});

describe.each(PATHS)('zstd via $name', ({ decode }) => {
  describe('frames made by the zstd CLI', () => {
    it.each([
      ['from a file (declares its size)', () => zstdCliFile(files.small ?? ''), small],
      ['from a pipe (no declared size)', () => zstdCliPipe(small), small],
      ['from a file, level 19', () => zstdCliFile(files.small ?? '', ['-19']), small],
      ['from a file, --ultra -22', () => zstdCliFile(files.small ?? '', ['--ultra', '-22']), small],
      ['from a pipe, level 19 (an 8 MiB window, the RFC 9659 maximum)', () => zstdCliPipe(small, ['-19']), small],
      ['from a pipe, without checksum', () => zstdCliPipe(small, ['--no-check']), small],
      ['1 MB from a file', () => zstdCliFile(files.large ?? ''), large],
      ['1 MB from a pipe, level 1', () => zstdCliPipe(large, ['-1']), large],
      ['1 MB from a pipe, level 19', () => zstdCliPipe(large, ['-19']), large],
    ] as const)('%s', async (_name, make, expected) => {
      const wire = make();
      expect((await decode(wire, LIMIT)).equals(expected)).toBe(true);
    });

    it('declares the size from a file and not from a pipe (what the fixtures above rely on)', () => {
      expect(scanZstdFrames(zstdCliFile(files.small ?? ''), LIMIT).frames[0]?.contentSize).toBe(small.length);
      expect(scanZstdFrames(zstdCliPipe(small), LIMIT).frames[0]?.contentSize).toBeUndefined();
      expect(scanZstdFrames(zstdCliPipe(small, ['-19']), LIMIT).frames[0]?.windowSize).toBe(8 * MiB);
    });

    it('concatenated frames (cat a.zst b.zst) decode to the concatenation', async () => {
      const wire = Buffer.concat([zstdCliPipe(small), zstdCliFile(files.large ?? ''), zstdCliPipe(Buffer.from('!'))]);
      expect((await decode(wire, LIMIT)).equals(Buffer.concat([small, large, Buffer.from('!')]))).toBe(true);
    });

    it('the CLI agrees with what we decode from hand-built frames', () => {
      const frame = zstdFrame({ blocks: [{ type: 'raw', data: Buffer.from('hello ') }, { type: 'rle', byte: 0x21, size: 3 }] });
      expect(execFileSync('/usr/bin/zstd', ['-d', '-c', '-q'], { input: frame }).toString()).toBe('hello !!!');
    });
  });

  it('frames compressed in-process round-trip at several levels', async () => {
    for (const level of [1, 3, 9]) expect((await decode(zstdCompress(large, level), LIMIT)).equals(large)).toBe(true);
  });

  describe('hand-built frames', () => {
    it('raw and RLE blocks, single segment with declared size', async () => {
      const frame = zstdFrame({
        singleSegment: true,
        contentSize: 1006,
        blocks: [{ type: 'raw', data: Buffer.from('abcdef') }, { type: 'rle', byte: 0x7a, size: 1000 }],
      });
      expect((await decode(frame, LIMIT)).toString()).toBe(`abcdef${'z'.repeat(1000)}`);
    });

    it('skippable frames anywhere are ignored, including a body of only skippable frames', async () => {
      const hello = zstdFrame({ blocks: [{ type: 'raw', data: Buffer.from('hello') }] });
      const world = zstdCliPipe(Buffer.from(' world'));
      const wire = Buffer.concat([skippableFrame(Buffer.from('meta')), hello, skippableFrame(Buffer.alloc(0), 15), world]);
      expect((await decode(wire, LIMIT)).toString()).toBe('hello world');
      expect((await decode(skippableFrame(Buffer.from('only')), LIMIT)).length).toBe(0);
    });

    it(`${MAX_ZSTD_FRAMES} frames are still fine`, async () => {
      const frame = zstdFrame({ blocks: [{ type: 'raw', data: Buffer.from('ab') }] });
      const wire = Buffer.concat(Array.from({ length: MAX_ZSTD_FRAMES }, () => frame));
      expect((await decode(wire, LIMIT)).length).toBe(2 * MAX_ZSTD_FRAMES);
    });

    it('exactly the limit across frames passes; one byte more is 413', async () => {
      const half = zstdFrame({ blocks: [{ type: 'rle', byte: 1, size: 1000 }] });
      const wire = Buffer.concat([half, half]);
      expect((await decode(wire, 2000)).length).toBe(2000);
      await expectWebhookError(decode(wire, 1999), 'decoded_body_too_large');
      const compressed = Buffer.concat([zstdCliPipe(small), zstdCliPipe(small)]);
      expect((await decode(compressed, 2 * small.length)).length).toBe(2 * small.length);
      await expectWebhookError(decode(compressed, 2 * small.length - 1), 'decoded_body_too_large');
    });
  });

  describe('refusals from the frame header, before decoding', () => {
    it('a declared content size above the limit: 413, even when the rest is garbage', async () => {
      const header = zstdFrame({ contentSize: 2_000_000_000, blocks: [] }).subarray(0, 10);
      const error = await expectWebhookError(decode(Buffer.concat([header, Buffer.alloc(5, 0xff)]), LIMIT), 'decoded_body_too_large');
      expect(error.message).toContain('2000000000');
    });

    it('a window far beyond RFC 9659 and the limit: 413 naming the window', async () => {
      // Exponent 21: a 2 GiB window, which the published fzstd would try to allocate.
      const frame = zstdFrame({ windowDescriptor: 21 << 3, blocks: [{ type: 'raw', data: Buffer.from('x') }] });
      const error = await expectWebhookError(decode(frame, LIMIT), 'decoded_body_too_large');
      expect(error.message).toContain('window');
    });

    it('an 8 MiB window (the RFC 9659 maximum) is fine with a small limit', async () => {
      const frame = zstdFrame({ windowDescriptor: 13 << 3, blocks: [{ type: 'raw', data: Buffer.from('x') }] });
      expect((await decode(frame, 1024)).toString()).toBe('x');
    });

    it('a 128 MiB window (zstd --long from a pipe) is refused at the default-sized limit, accepted when the limit allows it', async () => {
      const wire = zstdCliPipe(small, ['--long=27']);
      await expectWebhookError(decode(wire, 16 * MiB), 'decoded_body_too_large');
      expect((await decode(wire, 128 * MiB)).equals(small)).toBe(true);
    });

    it.each([
      ['a dictionary id', zstdFrame({ dictionaryId: 7, blocks: [{ type: 'raw', data: Buffer.from('x') }] })],
      ['a reserved header bit', zstdFrame({ descriptorBits: 0x08, blocks: [{ type: 'raw', data: Buffer.from('x') }] })],
      ['a reserved block type', Buffer.concat([zstdFrame({ blocks: [] }), Buffer.from([0x07, 0, 0])])],
      ['a block larger than 128 KiB', zstdFrame({ blocks: [{ type: 'rle', byte: 0, size: 128 * 1024 + 1 }] })],
      ['a header cut short', zstdFrame({ contentSize: 10, blocks: [] }).subarray(0, 7)],
      ['a block cut short', zstdFrame({ blocks: [{ type: 'raw', data: Buffer.from('hello') }] }).subarray(0, 10)],
      ['no block after the header', zstdFrame({ blocks: [] })],
      ['a missing checksum', zstdCliPipe(small).subarray(0, -2)],
      ['garbage after the last frame', Buffer.concat([zstdCliPipe(small), Buffer.from('trailing')])],
      ['a skippable frame cut short', skippableFrame(Buffer.from('metadata')).subarray(0, 12)],
      ['a declared size the blocks contradict', zstdFrame({ contentSize: 10, blocks: [{ type: 'raw', data: Buffer.from('hello') }] })],
      ['gzip data labelled zstd', zlib.gzipSync(small)],
      [
        `more than ${MAX_ZSTD_FRAMES} frames`,
        Buffer.concat(Array.from({ length: MAX_ZSTD_FRAMES + 1 }, () => zstdFrame({ blocks: [{ type: 'raw', data: Buffer.alloc(0) }] }))),
      ],
    ])('%s: 400 malformed_encoding', async (_name, wire) => {
      await expectWebhookError(decode(wire, LIMIT), 'malformed_encoding');
    });
  });
});

describe('pure-JS decoder specifics', () => {
  it('a small body is not pinned to a block-sized buffer', () => {
    const out = decodeZstdWithJs(zstdCliPipe(small), LIMIT);
    expect(out.equals(small)).toBe(true);
    // The decoder writes into a buffer sized for a whole block (128 KiB); the result is copied out of it
    // (possibly into Node's shared pool, which is smaller).
    expect(out.buffer.byteLength).toBeLessThan(128 * 1024);
  });

  it('results never share the reused decoding buffer', () => {
    const first = decodeZstdWithJs(zstdCliPipe(small), LIMIT);
    const second = decodeZstdWithJs(zstdCliPipe(Buffer.alloc(small.length, 0x30)), LIMIT);
    expect(first.equals(small)).toBe(true);
    expect(second.every((byte) => byte === 0x30)).toBe(true);
  });

  it('a declared size that the compressed data does not reach is refused', () => {
    // Take a real frame declaring its size and raise the declared size by one.
    const frame = Buffer.from(zstdCliFile(files.small ?? ''));
    const scan = scanZstdFrames(frame, LIMIT);
    expect(scan.frames[0]?.contentSize).toBe(small.length);
    const descriptor = frame[4] ?? 0;
    expect(descriptor >> 6).toBe(1); // 2-byte size field, value - 256, right after the descriptor
    frame.writeUInt16LE(small.length - 256 + 1, 5);
    expect(() => decodeZstdWithJs(frame, LIMIT)).toThrow(expect.objectContaining({ code: 'malformed_encoding' }));
  });
});

describe('frames that make the published fzstd spin (run in a child process with a deadline)', () => {
  // Both hang fzstd 0.1.1 for tens of seconds or forever; the vendored copy refuses them at once.
  const sequenceBomb = zstdFrame({
    blocks: [
      { type: 'raw', data: Buffer.from('abcdefgh') },
      // No literals, 36608 sequences in RLE mode that cost no bits, each a 65539-byte match.
      { type: 'compressed', data: Buffer.from([0x00, 0xff, 0x00, 0x10, 0x54, 0, 0, 52, 0x80]) },
    ],
  });
  const zeroBitHuffman = zstdFrame({
    blocks: [
      {
        type: 'compressed',
        // Huffman literals whose weight table has one symbol of full probability: every state costs 0 bits.
        data: Buffer.from([0x02, 0x01, 0x02, 0x04, 0xf0, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x00]),
      },
    ],
  });

  it.each([
    ['huge match lengths', sequenceBomb],
    ['zero-bit Huffman weights', zeroBitHuffman],
  ])('%s: 400 malformed_encoding, promptly', async (name, frame) => {
    const file = join(dir, `${name.replace(/\W/g, '-')}.zst`);
    writeFileSync(file, frame);
    const result = decodeInChild({ file, contentEncoding: 'zstd', maxDecodedBytes: LIMIT, decoder: 'zstd-js' }, 20_000);
    expect(result.outcome).toBe('malformed_encoding');
    if (hasNativeZstd()) await expectWebhookError(decodeZstdWithZlib(frame, LIMIT), 'malformed_encoding');
  });
});

describe('gzip made by the gzip CLI', () => {
  it.each([
    ['from a file', () => execFileSync('gzip', ['-c', files.small ?? ''])],
    ['from a pipe, -9', () => execFileSync('gzip', ['-c', '-9'], { input: small })],
    ['two members (cat a.gz b.gz)', () => Buffer.concat([execFileSync('gzip', ['-c'], { input: small }), execFileSync('gzip', ['-c'], { input: small })])],
  ] as const)('%s', async (name, make) => {
    const expected = name.startsWith('two') ? Buffer.concat([small, small]) : small;
    expect((await decodeBody(make(), 'gzip', LIMIT)).equals(expected)).toBe(true);
  });
});
