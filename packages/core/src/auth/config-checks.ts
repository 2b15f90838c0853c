// Construction-time checks shared by the authenticator factories: a bad option fails at start-up
// with a message naming the factory and the option, never as a 401 on every delivery.

/** Refuses a tolerance that is neither `null` (not enforced) nor a finite, non-negative number of seconds. */
export function checkTolerance(value: unknown, owner: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${owner}: \`toleranceSeconds\` must be a finite number of seconds >= 0, or null.`);
  }
  return value;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Lower-cases a configured header name (headers arrive lower-cased) and refuses invalid ones. */
export function normalizeHeaderName(name: unknown, owner: string, option: string): string {
  const lower = typeof name === 'string' ? name.trim().toLowerCase() : '';
  if (!HEADER_NAME.test(lower)) {
    throw new TypeError(`${owner}: \`${option}\` must be an HTTP header name such as 'x-hmac-signature'.`);
  }
  return lower;
}
