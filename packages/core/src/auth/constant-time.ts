import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacKey } from './hmac-key.js';

/**
 * Compares two byte strings without a data-dependent early exit. Unequal lengths return `false` at
 * once: every caller compares fixed-length digests (HMAC outputs, or the digests of `digestSecret`),
 * whose length is public, so the length check leaks nothing.
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// A per-process key, so the digests of configured secrets are useless outside this process and an
// attacker cannot precompute inputs with chosen digest prefixes.
const comparisonKey = hmacKey(randomBytes(32));

/**
 * A fixed-length (32 bytes) keyed digest of a value. Comparing digests instead of the values
 * themselves takes the same time whatever the lengths of the values, so neither the length of a
 * configured secret nor the position of the first differing byte leaks through timing.
 */
export function digestSecret(value: string | Uint8Array): Buffer {
  return createHmac('sha256', comparisonKey).update(value).digest();
}

/**
 * Holds the digests of a list of accepted values (tokens, passwords) and answers whether a candidate
 * is one of them. Every entry is compared, matched or not, so timing does not tell which entry
 * matched either.
 */
export class SecretSet {
  readonly #digests: readonly Buffer[];

  constructor(values: readonly string[]) {
    this.#digests = values.map((value) => digestSecret(value));
  }

  has(candidate: string | Uint8Array): boolean {
    return anyDigestMatches(this.#digests, digestSecret(candidate));
  }
}

/** `true` when `candidate` equals one of `digests`; compares against all of them without stopping. */
export function anyDigestMatches(digests: readonly Uint8Array[], candidate: Uint8Array): boolean {
  let matched = false;
  for (const digest of digests) {
    // No `break` and no `||`: every entry is compared whether or not an earlier one matched.
    if (digestsEqual(digest, candidate)) matched = true;
  }
  return matched;
}
