import { describe, expect, it } from 'vitest';
import { freeBytes } from '../../src/body/free-bytes.js';

const canTransfer = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

describe('freeBytes', () => {
  // CI runs this on Node 20 (no ArrayBuffer.prototype.transfer) and on Node 24 (transfer): each run
  // asserts its own branch, so both are checked.
  it(canTransfer ? 'detaches the buffer, giving its memory back (this Node has transfer)' : 'leaves the buffer as it is (this Node has no transfer)', () => {
    const bytes = Buffer.alloc(2 * 1024 * 1024, 7);
    freeBytes(bytes);
    if (canTransfer) {
      expect((bytes.buffer as ArrayBuffer & { detached?: boolean }).detached).toBe(true);
      expect(bytes.length).toBe(0);
    } else {
      expect(bytes.length).toBe(2 * 1024 * 1024);
      expect(bytes[0]).toBe(7);
    }
  });
});
