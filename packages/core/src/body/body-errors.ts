import { WebhookError } from '../errors/webhook-error.js';

/**
 * The refusals shared by reading and decoding, so each is worded once. Messages go back to the provider:
 * they name limits and setup steps, never payload bytes.
 */

export function wireTooLarge(maxWireBytes: number, declaredLength?: number, received?: number): WebhookError {
  const what =
    declaredLength === undefined
      ? 'The request body is larger than'
      : `The request declares Content-Length ${declaredLength}, more than`;
  return new WebhookError(
    'body_too_large',
    `${what} limits.maxWireBytes (${maxWireBytes} bytes). If the provider legitimately sends bodies this ` +
      'large, raise limits.maxWireBytes.',
    { limit: maxWireBytes, expected: declaredLength, received },
  );
}

export function decodedTooLarge(maxDecodedBytes: number, detail = 'The body decodes to', expected?: number): WebhookError {
  return new WebhookError(
    'decoded_body_too_large',
    `${detail} more than limits.maxDecodedBytes (${maxDecodedBytes} bytes). If the provider legitimately ` +
      'sends payloads this large, raise limits.maxDecodedBytes.',
    { limit: maxDecodedBytes, expected },
  );
}

/** `reason` must be a fixed string from a decoder (never derived from the payload). */
export function malformedEncoding(coding: string, reason?: string, cause?: unknown): WebhookError {
  const why = reason === undefined ? '' : ` (${reason.slice(0, 80)})`;
  return new WebhookError(
    'malformed_encoding',
    `The body is not valid ${coding} data${why}: it is truncated or corrupt, or Content-Encoding does not ` +
      'match how it was compressed.',
    cause === undefined ? undefined : { cause },
  );
}
