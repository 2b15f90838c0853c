import { WebhookError } from '../errors/webhook-error.js';

// At most 15 digits: every value stays a safe integer, and a 10 kB string of digits is refused
// without being converted.
const UNIX_SECONDS = /^\d{1,15}$/;
const UNIX_NUMBER = /^\d{1,16}(?:\.\d{1,9})?$/;
const ISO_8601 =
  /^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<hm>\d{2}:\d{2})(?::(?<s>\d{2})(?:[.,](?<f>\d{1,9}))?)?(?<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Unix seconds as the Terra and Standard Webhooks schemes send them: digits only. */
export function parseUnixSeconds(value: string): number | undefined {
  return UNIX_SECONDS.test(value) ? Number(value) : undefined;
}

/**
 * A timestamp of unknown convention, as epoch milliseconds: unix seconds, unix milliseconds (numbers
 * above 1e11, which as seconds would be past the year 5000) or ISO 8601. An ISO time without an offset
 * is read as UTC, so the result never depends on the server's time zone.
 */
export function parseFlexibleTimestamp(value: string): number | undefined {
  if (UNIX_NUMBER.test(value)) {
    const number = Number(value);
    return number > 1e11 ? number : number * 1000;
  }
  const parts = ISO_8601.exec(value)?.groups;
  if (parts === undefined) return undefined;
  const { date, hm, s: seconds = '00', f: fraction = '', zone = 'Z' } = parts;
  // Date.parse wants `Z` or `±hh:mm` and keeps at most milliseconds (Terra sends microseconds).
  const offset = /^[Zz]$/.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.length === 3 ? '00' : zone.slice(-2)}`;
  const ms = Date.parse(`${date}T${hm}:${seconds}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`);
  return Number.isNaN(ms) || !isCalendarDate(date ?? '') ? undefined : ms;
}

/** V8's Date.parse rolls 2024-02-30 over into March; a sender's timestamp with such a date is garbled. */
function isCalendarDate(date: string): boolean {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
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
