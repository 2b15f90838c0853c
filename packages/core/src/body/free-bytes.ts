type Transferable = ArrayBuffer & { transfer?: (newLength?: number) => ArrayBuffer };

/**
 * Gives a large decoded body's memory back at once, instead of when the garbage collector next frees
 * its ArrayBuffer. That can be long after the bytes stop mattering: an output buffer that lived across
 * a few minor collections (node:zlib decodes on the thread pool) is promoted, and only a full collection
 * frees it, so a 10 MB Thryve batch held its decoded bytes beside its text and its parsed JSON (peak RSS
 * 3.3-3.8x the decoded size on Node 24, against 2.6-3.1x when freed).
 *
 * `ArrayBuffer.prototype.transfer(0)` detaches the buffer and releases its memory (Node >= 21); on
 * older Node this does nothing and the collector frees it as before. Only for bytes nothing else views:
 * the caller's own decoder output, never the wire bytes (which may be a buffer the application kept)
 * and never a small buffer, which may be a slice of Node's shared pool.
 */
export function freeBytes(bytes: Uint8Array): void {
  const memory = bytes.buffer as Transferable;
  // A SharedArrayBuffer has no `transfer`, so it is left alone too.
  if (typeof memory.transfer === 'function') memory.transfer(0);
}
