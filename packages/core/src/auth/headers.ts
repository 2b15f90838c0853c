import { WebhookError, type WebhookErrorCode } from '../errors/webhook-error.js';
import type { IncomingHeaders } from '../http/webhook-request.js';

/**
 * The value of a header the authenticators read, trimmed; `undefined` when absent or empty.
 *
 * Node joins repeated custom headers into one string, so an array only comes from an adapter or a
 * test that builds headers by hand. Identical repeats (a proxy that duplicated the header) are taken
 * as one value; different repeats are ambiguous and refused with `conflictCode` rather than guessing
 * which one the sender meant.
 */
export function readHeader(headers: IncomingHeaders, name: string, conflictCode: WebhookErrorCode): string | undefined {
  const raw: unknown = headers[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return nonEmpty(raw.trim());
  if (!Array.isArray(raw)) throw unreadable(name, conflictCode);
  let value: string | undefined;
  for (const item of raw as readonly unknown[]) {
    if (typeof item !== 'string') throw unreadable(name, conflictCode);
    const trimmed = item.trim();
    if (trimmed === '') continue;
    if (value !== undefined && value !== trimmed) {
      throw new WebhookError(
        conflictCode,
        `The ${name} header was sent ${raw.length} times with different values. Send it once; check that no proxy adds its own.`,
      );
    }
    value = trimmed;
  }
  return value;
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}

function unreadable(name: string, code: WebhookErrorCode): WebhookError {
  return new WebhookError(code, `The ${name} header is not a string. Check the adapter that builds the request headers.`);
}
