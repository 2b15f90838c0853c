import { WebhookError } from '../errors/webhook-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses a decoded body as JSON. Invalid UTF-8 is refused rather than replaced with U+FFFD, so the
 * payload handlers see is the one that was signed.
 */
export function parseJson(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new WebhookError('invalid_json', 'The body is not valid UTF-8, so it cannot be JSON.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WebhookError('invalid_json', 'The body is not valid JSON.');
  }
}
