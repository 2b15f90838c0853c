import { WebhookError } from '../errors/webhook-error.js';
import { parseIsoTimestamp } from '../providers/iso-timestamp.js';

// At most 15 digits: every value stays a safe integer, and a 10 kB string of digits is refused
// without being converted.
const UNIX_SECONDS = /^\d{1,15}$/;
const UNIX_NUMBER = /^\d{1,16}(?:\.\d{1,9})?$/;

/** Unix seconds as the Terra and Standard Webhooks schemes send them: digits only. */
export function parseUnixSeconds(value: string): number | undefined {
  return UNIX_SECONDS.test(value) ? Number(value) : undefined;
}

/**
 * A timestamp of unknown convention, as epoch milliseconds: unix seconds, unix milliseconds (numbers
 * above 1e11, which as seconds would be past the year 5000) or ISO 8601 read by the one strict parser
 * (`parseIsoTimestamp`): a time without an offset is UTC, so the result never depends on the server's
 * time zone, and an impossible date such as 2024-02-30 is refused rather than rolled over.
 */
export function parseFlexibleTimestamp(value: string): number | undefined {
  if (UNIX_NUMBER.test(value)) {
    const number = Number(value);
    return number > 1e11 ? number : number * 1000;
  }
  const iso = parseIsoTimestamp(value);
  // A date alone names a day, not the moment a delivery was signed.
  return iso?.hasTime === true ? iso.epochMs : undefined;
}

/**
 * Refuses a signed timestamp further than `toleranceSeconds` from `now`, in either direction: an old
 * one is a replay (or a server clock running fast), one from the future a clock running slow.
 * Compared in whole seconds, as the providers' own SDKs do.
 */
export function assertWithinTolerance(timestampMs: number, now: number, toleranceSeconds: number, header: string): void {
  const skew = Math.floor(now / 1000) - Math.floor(timestampMs / 1000);
  if (Math.abs(skew) <= toleranceSeconds) return;
  const direction = skew > 0 ? 'older' : 'newer';
  throw new WebhookError(
    'timestamp_out_of_tolerance',
    `The timestamp in ${header} is ${Math.abs(skew)} s ${direction} than this server's clock; the tolerance is ${toleranceSeconds} s. ` +
      `If the delivery is fresh, this server's clock is wrong (check NTP); otherwise it is a replayed delivery.`,
  );
}
