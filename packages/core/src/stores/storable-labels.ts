import type { NewDelivery } from './webhook-store.js';

/** A UTF-16 surrogate not paired: it has no UTF-8 encoding, and drivers silently store U+FFFD instead. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Why the delivery's labels (provider, key, event type) cannot be stored exactly, or undefined when
 * they can. A store must never keep a label as a different string (two keys would then collide, and a
 * retry would not be recognised). `forbidNul`: PostgreSQL text cannot hold U+0000; SQLite can.
 */
export function unstorableLabel(delivery: NewDelivery, { forbidNul = false } = {}): RangeError | undefined {
  for (const [name, value] of [
    ['provider', delivery.provider],
    ['deliveryKey', delivery.deliveryKey],
    ['eventType', delivery.eventType],
  ] as const) {
    if (typeof value !== 'string') return new RangeError(`The delivery's ${name} must be a string.`);
    if (LONE_SURROGATE.test(value)) {
      return new RangeError(`The delivery's ${name} contains an unpaired UTF-16 surrogate, which cannot be stored exactly.`);
    }
    if (forbidNul && value.includes('\u0000')) {
      return new RangeError(`The delivery's ${name} contains U+0000, which this store cannot hold.`);
    }
  }
  return undefined;
}

/** Whether `label` can be a stored label at all (lookups of other strings find nothing). */
export function isStorableLabel(label: string, { forbidNul = false } = {}): boolean {
  return !LONE_SURROGATE.test(label) && !(forbidNul && label.includes('\u0000'));
}

/**
 * Whether a records query names a user and kind that could have been stored. One that could not
 * matches nothing: a driver would send its lossy spelling (U+FFFD for an unpaired surrogate), which a
 * real user id may hold.
 */
export function isStorableRecordsQuery(query: { readonly userId: string; readonly kind?: string }, options: { readonly forbidNul?: boolean } = {}): boolean {
  return isStorableLabel(query.userId, options) && (query.kind === undefined || isStorableLabel(query.kind, options));
}

const LONE_SURROGATES = /\p{Surrogate}/gu;

/**
 * `text` as every store can hold it: U+0000 and unpaired surrogates replaced with U+FFFD, as a decoder
 * would. For free text (an error message), where a label would be refused instead.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');
}
