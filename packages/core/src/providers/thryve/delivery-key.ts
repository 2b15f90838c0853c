import { hash } from 'node:crypto';

/**
 * The delivery key of a Thryve webhook: `thryve:sha256:<hex>` of the decoded body.
 *
 * Thryve sends no delivery id, so a retry is recognised by its content. The decoded bytes are hashed,
 * not the wire bytes, because a retry may be compressed differently (zstd level, frame options) while
 * carrying the same JSON. The cost: two genuinely distinct deliveries with byte-identical bodies count
 * as one. For data pushes nothing is lost (same points, same versions). A notification, which says only
 * that something happened, repeats its body whenever that happens again: the receiver adds the window
 * of `notificationRepeatWindowMs` it arrived in to its key (see `createThryveReceiver`).
 */
export function thryveDeliveryKey(decodedBody: Uint8Array): string {
  return `thryve:sha256:${hash('sha256', decodedBody, 'hex')}`;
}
