// Issue 10, D5: the depth check agrees with the depth JSON.parse builds, on any JSON text (brackets
// inside strings and escaped quotes included), and costs little on a typical delivery.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonDepth, MAX_JSON_DEPTH } from '../../packages/core/src/body/json-depth.js';
import { vitalSamples } from '../../packages/core/src/testing/index.js';

/** The nesting depth of a parsed value, iteratively (the values tested here may be deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const passes = (text: string, max: number) => {
  try {
    checkJsonDepth(Buffer.from(text), max);
    return true;
  } catch (error) {
    expect(error).toMatchObject({ code: 'too_deeply_nested', status: 400 });
    return false;
  }
};

describe('checkJsonDepth', () => {
  it('refuses exactly the JSON deeper than the maximum, whatever the strings hold', () => {
    const tricky = fc.constantFrom('[', ']', '{', '}', '"', '\\', '\\"', '[[[', '}}}', 'é', '😀', '\u0000');
    const text = fc.oneof(fc.string(), fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join('')));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'large', maxDepth: 12 }, text, fc.integer(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(text, tie('value'), { maxKeys: 3 })),
    })).value;
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 8 }), (value, max) => {
        const serialized = JSON.stringify(value);
        expect(passes(serialized, max)).toBe(depthOf(value) <= max);
      }),
      { numRuns: 2_000 },
    );
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1} by default`, () => {
    expect(passes(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBe(true);
    expect(() => checkJsonDepth(Buffer.from(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`))).toThrow(/more than 128 levels/);
    expect(() => checkJsonDepth(Buffer.from(`{"a":${'['.repeat(100_000)}`))).toThrow(expect.objectContaining({ code: 'too_deeply_nested' }));
  });

  it('costs a few µs on a typical delivery (reported, and bounded generously)', () => {
    const sample = vitalSamples['daily.data.heartrate.created']();
    const samples = Array.from({ length: 24 }, (_, i) => ({ ...sample.data.data[0]!, timestamp: `2024-05-01T08:${String(i).padStart(2, '0')}:00+00:00` }));
    const body = Buffer.from(JSON.stringify({ ...sample, data: { ...sample.data, data: samples } }));
    for (let i = 0; i < 2_000; i++) checkJsonDepth(body);
    const runs = 20_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) checkJsonDepth(body);
    const microseconds = Number(process.hrtime.bigint() - start) / runs / 1000;
    process.stdout.write(`checkJsonDepth: ${microseconds.toFixed(2)} µs for a ${body.length}-byte delivery\n`);
    expect(microseconds).toBeLessThan(100);
  });
});
