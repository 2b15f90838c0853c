import type { IncomingHeaders } from '../http/webhook-request.js';

/** What an authenticator sees of one delivery. */
export interface AuthInput {
  /** Request headers, names in lower case (as Node's `IncomingMessage.headers`). */
  readonly headers: IncomingHeaders;
  /**
   * The body bytes for the authenticator's stage: empty for `'headers'`, the bytes as received for
   * `'wire'`, the bytes after `Content-Encoding` decoding for `'decoded'`.
   */
  readonly body: Buffer;
  /** The current time in epoch milliseconds; injected so tests and replays can fix the clock. */
  readonly now: number;
}

/** What an authenticator sees of a delivery before its body is read. */
export type HeaderCheckInput = Omit<AuthInput, 'body'>;

/**
 * One way of authenticating a delivery. The receiver runs each authenticator at its stage and refuses
 * the delivery when `verify` throws.
 *
 * `stage` says which bytes the authenticator needs:
 * - `'headers'` runs before the body is read (the body is empty then), so a request without valid
 *   credentials costs no body reading or decompression;
 * - `'wire'` gets the bytes exactly as received (still compressed);
 * - `'decoded'` gets the bytes after `Content-Encoding` decoding.
 */
export interface Authenticator {
  readonly stage: 'headers' | 'wire' | 'decoded';
  /** A human-readable summary for logs and diagnostics; never contains a secret. */
  readonly description: string;
  /** Returns when the delivery is authentic; throws a `WebhookError` (status 401) otherwise. */
  verify(input: AuthInput): void;
  /**
   * For `'wire'` and `'decoded'` authenticators: everything the headers alone decide (the signature
   * header's presence and syntax, the timestamp and its tolerance), run before the body is read, so a
   * request those refuse costs no body reading. Throws as `verify` would. `verify` makes the same
   * checks itself when this was not called first (with the same headers object and `now`), and
   * reuses this call's parse when it was.
   */
  checkHeaders?(input: HeaderCheckInput): void;
}
