/**
 * Every way a delivery can be refused, as a stable machine-readable code. Codes are part of the public
 * API: they appear in error bodies (`{ "error": { "code", "message" } }`) and in `WebhookError.code`.
 * Add new codes; never rename or reuse one.
 */
export const WEBHOOK_ERROR_STATUS = {
  /** The request was not a POST. Answered with `Allow: POST`. */
  method_not_allowed: 405,
  /** `Content-Type` is present and is not JSON. */
  unsupported_media_type: 415,
  /** `Content-Encoding` names a coding wearhook does not decode. */
  unsupported_content_encoding: 415,
  /** The body as sent on the wire is larger than `limits.maxWireBytes`. */
  body_too_large: 413,
  /** The body after decompression is larger than `limits.maxDecodedBytes`. */
  decoded_body_too_large: 413,
  /** The body did not arrive completely within `limits.bodyTimeoutMs`. */
  body_timeout: 408,
  /** The sender closed the connection before the body was complete, or sent fewer bytes than `Content-Length`. */
  body_incomplete: 400,
  /** A compressed body is truncated or corrupt. */
  malformed_encoding: 400,
  /** The decoded body is not valid UTF-8 JSON. */
  invalid_json: 400,
  /** The JSON lacks the provider's envelope (for example no `type`). */
  invalid_envelope: 400,
  /** No signature header, or no credentials for the configured web authentication. */
  missing_signature: 401,
  /** The signature header cannot be parsed. */
  malformed_signature: 401,
  /** No configured secret produces the signature that was sent. */
  invalid_signature: 401,
  /** The signed timestamp is missing or not a number. */
  invalid_timestamp: 401,
  /** The signed timestamp is outside the tolerance window (replay or a wrong clock). */
  timestamp_out_of_tolerance: 401,
  /** HTTP Basic or custom-header web authentication failed. */
  unauthorized: 401,
  /** Strict mode only: the event type is not one the provider is known to send. */
  unknown_event_type: 422,
  /** Strict mode only: the payload does not match the schema of its event type. */
  invalid_payload: 422,
  /** The store could not persist the delivery; the provider should retry. */
  store_unavailable: 503,
  /**
   * Too many request body bytes are being read at once (the process-wide `limits.bodyBudget`, default
   * 128 MiB); refused before the body is buffered, with `Retry-After`. The provider should retry.
   */
  too_many_bytes_in_flight: 503,
  /**
   * The JSON nests arrays and objects deeper than `MAX_JSON_DEPTH` (128). No provider sends that; such
   * a payload is refused before it is parsed, never acknowledged and then failed while it is processed.
   */
  too_deeply_nested: 400,
  /**
   * The event type, or a delivery key, is not a label that can be stored as sent: it has NUL or other
   * control characters, an unpaired surrogate, or more than `MAX_LABEL_LENGTH` (256) characters.
   */
  invalid_label: 400,
  /** No store is configured and a handler failed; answering 5xx makes the provider retry. */
  handler_failed: 500,
  /**
   * No store is configured and the handlers did not finish within `handlerTimeoutMs`; answering 5xx
   * makes the provider retry, and the request stops waiting (the handlers themselves go on).
   */
  handler_timeout: 500,
  /**
   * A body parser consumed the request before wearhook and left no raw bytes: a server setup error.
   * The message says how to mount the middleware.
   */
  body_already_consumed: 500,
  /** A bug or an unexpected failure inside wearhook; reported through `onError`, details never sent. */
  internal_error: 500,
} as const;

export type WebhookErrorCode = keyof typeof WEBHOOK_ERROR_STATUS;

/**
 * Sizes behind a refusal, in bytes, for code that handles errors without parsing messages. Named as
 * raw-body names them; each is set only when known.
 */
export interface WebhookErrorSizes {
  /** The limit that was exceeded (`body_too_large`: `limits.maxWireBytes`; `decoded_body_too_large`: `limits.maxDecodedBytes`). */
  readonly limit?: number;
  /** Bytes actually received. */
  readonly received?: number;
  /** Bytes the request declared (`Content-Length`, or a zstd frame's content size). */
  readonly expected?: number;
}

/**
 * Marks WebhookErrors across copies of this package: an app that both imports (ES module build) and
 * requires (CommonJS build) @wearhook/core has two WebhookError classes, and `instanceof` sees only one.
 */
const WEBHOOK_ERROR_BRAND = Symbol.for('@wearhook/core:WebhookError');

/**
 * The one error type the pipeline throws for a refused delivery. `status` follows the response
 * contract; `message` is safe to send to the provider: it never contains payload bytes or secrets.
 */
export class WebhookError extends Error implements WebhookErrorSizes {
  readonly code: WebhookErrorCode;
  readonly status: number;
  declare readonly limit?: number;
  declare readonly received?: number;
  declare readonly expected?: number;

  constructor(code: WebhookErrorCode, message: string, options?: { cause?: unknown } & WebhookErrorSizes) {
    super(message, options);
    this.name = 'WebhookError';
    this.code = code;
    this.status = WEBHOOK_ERROR_STATUS[code];
    Object.defineProperty(this, WEBHOOK_ERROR_BRAND, { value: true });
    // Own properties only when known, so logged or compared errors carry no undefined fields.
    for (const key of ['limit', 'received', 'expected'] as const) {
      const value = options?.[key];
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true });
    }
  }
}

/** True for a WebhookError from any copy of @wearhook/core (its ES module or CommonJS build). */
export function isWebhookError(error: unknown): error is WebhookError {
  return error instanceof WebhookError || (typeof error === 'object' && error !== null && WEBHOOK_ERROR_BRAND in error);
}
