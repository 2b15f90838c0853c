/**
 * The header values a Terra event needs, taken at receipt and stored with the delivery (so the worker
 * builds the same event as the no-store path): `terra-reference`, `x-terra-trace-id` and the record
 * version from `x-terra-ordering-timestamp`.
 */
import { headerValue, type IncomingHeaders } from '../../http/webhook-request.js';
import { TERRA_REFERENCE_HEADER, TERRA_TRACE_ID_HEADER } from './delivery-key.js';
import { terraEpochMs } from './timestamps.js';

/** On webhook destinations, the newer copy of the same data carries a higher value (Terra's spec). */
export const TERRA_ORDERING_TIMESTAMP_HEADER = 'x-terra-ordering-timestamp';

/** Terra's signature header, whose `t=` is the signed send time. */
const SIGNATURE_HEADERS = ['terra-signature', 'x-terra-signature'] as const;

/**
 * How far past the signed `t` an ordering timestamp may be: the signature check's default tolerance
 * (300 s, as Terra's SDK), so clock skew between Terra's services does not lose a real value.
 */
export const TERRA_ORDERING_TOLERANCE_MS = 300_000;

/** The keys of a Terra delivery context. */
export const TERRA_CONTEXT_KEYS = { reference: 'reference', traceId: 'traceId', version: 'version' } as const;

/** `ProviderDefinition.deliveryContext` of Terra; `undefined` when none of the headers is there. */
export function terraDeliveryContext(headers: IncomingHeaders): Readonly<Record<string, string>> | undefined {
  const context: Record<string, string> = {};
  const reference = headerValue(headers, TERRA_REFERENCE_HEADER);
  if (reference !== undefined) context[TERRA_CONTEXT_KEYS.reference] = reference;
  const traceId = headerValue(headers, TERRA_TRACE_ID_HEADER);
  if (traceId !== undefined) context[TERRA_CONTEXT_KEYS.traceId] = traceId;
  const version = terraOrderingVersion(headers);
  if (version !== undefined) context[TERRA_CONTEXT_KEYS.version] = String(version);
  return Object.keys(context).length === 0 ? undefined : context;
}

/**
 * `x-terra-ordering-timestamp` as epoch milliseconds, clamped to at most the signed `t=` plus
 * {@link TERRA_ORDERING_TOLERANCE_MS}. The header is not covered by the signature: unclamped, anyone
 * replaying a signed body with a far-future value would make that copy outrank every later one.
 * `undefined` when the header is absent or unreadable, or there is no signed `t` to clamp it to.
 */
export function terraOrderingVersion(headers: IncomingHeaders): number | undefined {
  const raw = headerValue(headers, TERRA_ORDERING_TIMESTAMP_HEADER);
  if (raw === undefined) return undefined;
  const signedMs = signedTimeMs(headers);
  if (signedMs === undefined) return undefined;
  const ordering = orderingMs(raw);
  if (ordering === undefined) return undefined;
  return Math.min(ordering, signedMs + TERRA_ORDERING_TOLERANCE_MS);
}

function signedTimeMs(headers: IncomingHeaders): number | undefined {
  for (const name of SIGNATURE_HEADERS) {
    const value = headerValue(headers, name);
    if (value === undefined) continue;
    for (const part of value.split(',')) {
      const match = /^\s*t=(\d{1,12})\s*$/.exec(part);
      if (match?.[1] !== undefined) return Number(match[1]) * 1000;
    }
  }
  return undefined;
}

/** Digits by their magnitude (seconds, milliseconds, microseconds, nanoseconds), else ISO 8601. */
function orderingMs(value: string): number | undefined {
  if (/^\d{1,19}$/.test(value)) {
    const number = Number(value);
    if (number < 1e11) return number * 1000;
    if (number < 1e14) return number;
    if (number < 1e17) return Math.floor(number / 1e3);
    return Math.floor(number / 1e6);
  }
  return terraEpochMs(value);
}
