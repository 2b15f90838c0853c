// Strict decoders for received signatures and configured keys. Node's Buffer.from(…, 'hex' | 'base64')
// silently skips what it cannot decode, so a garbled value would decode to *something*; these check
// the text first, so each signature has one spelling and a garbled one is reported as such.

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]*$/;
const BASE64_ANY_ALPHABET = /^[A-Za-z0-9+/_-]*$/;

/** Hex (either case) that decodes to exactly `length` bytes, else `undefined`. */
export function decodeHex(text: string, length: number): Buffer | undefined {
  if (text.length !== length * 2 || !HEX.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

/**
 * Base64, padded or not, that decodes to exactly `length` bytes, else `undefined`. Both the standard
 * and the URL-safe alphabet are accepted: the bytes are compared, not the text.
 */
export function decodeBase64(text: string, length: number): Buffer | undefined {
  const unpadded = stripPadding(text);
  if (unpadded === undefined || unpadded.length !== Math.ceil((length * 4) / 3)) return undefined;
  if (!BASE64_ANY_ALPHABET.test(unpadded)) return undefined;
  return Buffer.from(unpadded, 'base64');
}

/** Standard-alphabet base64 of any length, padded or not (a configured key, Basic credentials), else `undefined`. */
export function decodeBase64Any(text: string): Buffer | undefined {
  const unpadded = stripPadding(text);
  // A remainder of one character cannot come from any byte string.
  if (unpadded === undefined || unpadded.length % 4 === 1 || !BASE64.test(unpadded)) return undefined;
  return Buffer.from(unpadded, 'base64');
}

/** The text without its `=` padding; `undefined` when padding is present but wrong. */
function stripPadding(text: string): string | undefined {
  const end = text.endsWith('==') ? text.length - 2 : text.endsWith('=') ? text.length - 1 : text.length;
  if (end !== text.length && text.length % 4 !== 0) return undefined;
  return text.slice(0, end);
}
