import { WebhookError } from '../errors/webhook-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes a body as UTF-8. Invalid UTF-8 is refused rather than replaced with U+FFFD, so the payload
 * handlers see (and the store keeps) is the one that was signed.
 */
export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new WebhookError('invalid_json', 'The body is not valid UTF-8, so it cannot be JSON.');
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WebhookError('invalid_json', 'The body is not valid JSON.');
  }
}
