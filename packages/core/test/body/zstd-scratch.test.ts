import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type * as Fzstd from '../../src/body/vendor/fzstd.js';
import { samplePayload, zstdCliPipe } from './fixtures.js';

// The vendored decoder builds its decoding tables in module-level scratch memory that every frame reuses.
// Whatever one frame leaves there must never change how the next one decodes: a frame, valid or broken,
// has the same outcome right after other frames as in a module that has decoded nothing yet.

type Decoder = typeof Fzstd;

async function freshDecoder(): Promise<Decoder> {
  vi.resetModules();
  return import('../../src/body/vendor/fzstd.js');
}

/** Output bytes, or the error's name, message and code. */
function outcome(decoder: Decoder, frame: Uint8Array): string {
  const out = new Uint8Array(2 * 1024 * 1024);
  try {
    const length = decoder.decodeZstdFrameInto(frame, out);
    return `ok ${Buffer.from(out.subarray(0, length)).toString('base64')}`;
  } catch (error) {
    const { name, message, code } = error as Error & { code?: unknown };
    return `error ${name} ${message} ${String(code)}`;
  }
}

/** Text over a small alphabet, skewed: literals get Huffman tables of many different shapes. */
function skewedText(length: number, alphabet: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    const a = state % alphabet;
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    bytes[i] = 97 + ((a * (state % alphabet)) % alphabet);
  }
  return bytes;
}

// Between them these use every table mode (predefined, RLE, FSE-compressed, repeat), Huffman-coded and
// treeless literals, and frames of one and of several blocks.
const INPUTS = [
  samplePayload(300),
  samplePayload(2500),
  samplePayload(300_000),
  skewedText(5000, 4, 1),
  skewedText(200_000, 60, 2),
  Buffer.from(`${'0123456789'.repeat(2000)}x${'0123456789'.repeat(3000)}`),
  Buffer.concat(Array.from({ length: 3000 }, (_, i) => Buffer.from(`{"id":${i},"value":${i % 10}}`))),
];
const FRAMES = INPUTS.flatMap((input) => [1, 3, 19].map((level) => zstdCliPipe(input, [`-${level}`])));

function mutate(frame: Buffer, mutations: readonly { at: number; value: number; cut: boolean }[]): Buffer {
  let out = Buffer.from(frame);
  for (const { at, value, cut } of mutations) {
    const index = at % out.length;
    if (cut) out = out.subarray(0, Math.max(index, 6));
    else out[index] = value;
  }
  return out;
}

describe('the vendored zstd decoder reuses its scratch memory safely', () => {
  it('every sample frame decodes to its input, one after another, in any order', async () => {
    const decoder = await freshDecoder();
    for (const index of [...FRAMES.keys(), ...[...FRAMES.keys()].reverse()]) {
      const input = INPUTS[Math.floor(index / 3)] ?? Buffer.alloc(0);
      expect(outcome(decoder, FRAMES[index] ?? Buffer.alloc(0))).toBe(`ok ${input.toString('base64')}`);
    }
  });

  it('a valid or damaged frame has the same outcome after other frames as in a fresh module', async () => {
    const used = await freshDecoder();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: FRAMES.length - 1 }),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() }), { maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: FRAMES.length - 1 }), { minLength: 1, maxLength: 3 }),
        async (index, mutations, before) => {
          const frame = mutate(FRAMES[index] ?? Buffer.alloc(0), mutations);
          for (const other of before) outcome(used, FRAMES[other] ?? Buffer.alloc(0));
          const fresh = await freshDecoder();
          expect(outcome(used, frame)).toBe(outcome(fresh, frame));
        },
      ),
      { numRuns: 150 },
    );
  });
});
