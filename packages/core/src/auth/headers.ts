import { WebhookError, type WebhookErrorCode } from '../errors/webhook-error.js';
import type { IncomingHeaders } from '../http/webhook-request.js';

/**
 * The value of a header the authenticators read, trimmed; `undefined` when absent or empty.
 *
 * Identical repeats (a proxy that duplicated the header) are taken as one value. Node and the Fetch
 * `Headers` join repeats of a custom header into one string with ", " between them, so a string made
 * of identical parts is taken as one of them (no header read here has ", " in a value of its own).
 * Different repeats given as an array are ambiguous and refused with `conflictCode` rather than
 * guessing which one the sender meant; joined into a string, they are kept whole and fail verification.
 */
export function readHeader(headers: IncomingHeaders, name: string, conflictCode: WebhookErrorCode): string | undefined {
  const raw: unknown = headers[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return nonEmpty(joinedRepeat(raw.trim()));
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

/** `a, a, a` -> `a`; anything else as it is. */
function joinedRepeat(value: string): string {
  const separator = value.indexOf(', ');
  if (separator === -1) return value;
  const first = value.slice(0, separator);
  return value.split(', ').every((part) => part === first) ? first : value;
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}

function unreadable(name: string, code: WebhookErrorCode): WebhookError {
  return new WebhookError(code, `The ${name} header is not a string. Check the adapter that builds the request headers.`);
}
