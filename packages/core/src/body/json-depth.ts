import { WebhookError } from '../errors/webhook-error.js';

/**
 * The deepest nesting of arrays and objects a delivery may have. Provider payloads nest 5 to 8 levels;
 * 128 leaves ample room, and keeps every recursive walk over a payload (JSON.stringify of a record,
 * structuredClone, a handler's own code) far from the stack limit, which ~10,000 levels reach.
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Refuses a body whose arrays and objects nest deeper than `maxDepth`, with 400 `too_deeply_nested`,
 * before it is parsed: JSON.parse takes any depth, but serialising or walking the result recurses, so
 * such a delivery would be acknowledged and then fail on every attempt until it is dead (issue 10, D5).
 *
 * One pass over the bytes, no allocation: brackets outside strings are counted, and a string is
 * skipped to its closing quote with the native `indexOf` (a quote after an odd run of backslashes is
 * escaped), which keeps the check near 1 µs per KB. UTF-8 continuation bytes are
 * all >= 0x80, so they can never be mistaken for a quote or a bracket. Malformed JSON is left to the
 * parser: this only looks at depth.
 */
export function checkJsonDepth(body: Uint8Array, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  const length = body.length;
  for (let i = 0; i < length; i++) {
    const byte = body[i]!;
    if (byte === QUOTE) {
      i = closingQuote(body, i);
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new WebhookError(
          'too_deeply_nested',
          `The JSON nests arrays and objects more than ${maxDepth} levels deep; webhook payloads never do, so it is refused rather than acknowledged and then failed.`,
        );
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
}

/** The index of the quote that closes the string opened at `open`; `body.length` when there is none. */
function closingQuote(body: Uint8Array, open: number): number {
  let at = open;
  for (;;) {
    at = body.indexOf(QUOTE, at + 1);
    if (at === -1) return body.length;
    let backslashes = 0;
    while (body[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
