import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { summarizeAllocations } from '../../bench/lib/allocation-profile.js';

// `bench/profile-pipeline.ts --allocations` reports garbage per delivery from V8's sampling heap
// profile: a wrong sum would send the next person optimising the wrong function.
let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const frame = (functionName: string, line = 0) => ({ functionName, url: 'file:///x/y.js', lineNumber: line, scriptId: '1', columnNumber: 0 });

describe('summarizeAllocations', () => {
  it('sums self sizes per function over the whole tree and divides by the deliveries', () => {
    dir = mkdtempSync(join(tmpdir(), 'wearhook-alloc-test-'));
    const file = join(dir, 'p.heapprofile');
    const profile = {
      head: {
        callFrame: frame('(root)'),
        selfSize: 0,
        children: [
          { callFrame: frame('parse', 3), selfSize: 3000, children: [{ callFrame: frame('inner', 9), selfSize: 500, children: [] }] },
          // The same function reached by another path counts once, with both sizes.
          { callFrame: frame('other'), selfSize: 100, children: [{ callFrame: frame('parse', 3), selfSize: 1000, children: [] }] },
        ],
      },
      samples: [],
    };
    writeFileSync(file, JSON.stringify(profile));
    const summary = summarizeAllocations(file, 10);
    expect(summary.bytesPerDelivery).toBe(460);
    expect(summary.functions.map((f) => [f.name.split(' ')[0], f.bytes])).toEqual([
      ['parse', 400],
      ['inner', 50],
      ['other', 10],
    ]);
  });
});
