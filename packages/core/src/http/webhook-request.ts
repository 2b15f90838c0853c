import type { Readable } from 'node:stream';

/** Header names in lower case, as Node's `IncomingMessage.headers` has them. */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Where the body's bytes come from. Adapters decide which case applies; the pipeline never touches a
 * framework object.
 * - `stream`: nobody has read the request yet; wearhook reads it with its own limits.
 * - `buffer`: a body parser ran first but kept the raw bytes as received (for example `req.rawBody`).
 * - `consumed`: a body parser ran first and kept nothing usable; the delivery cannot be verified.
 *   `found` says what the parser left and why it is not the bytes as received.
 */
export type BodySource =
  | { readonly kind: 'stream'; readonly stream: Readable }
  | { readonly kind: 'buffer'; readonly buffer: Buffer }
  | { readonly kind: 'consumed'; readonly parser: string; readonly found?: string };

/** A framework-neutral view of one incoming delivery. */
export interface WebhookRequest {
  readonly method: string;
  readonly headers: IncomingHeaders;
  readonly body: BodySource;
}

/** What the adapter writes back. `body` is JSON text or absent (204). */
export interface WebhookResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The first value of a header, trimmed; `undefined` when absent or empty. */
export function headerValue(headers: IncomingHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
