import type { IncomingHeaders } from '../http/webhook-request.js';

/**
 * What `checkHeaders` parsed, kept for the `verify` that follows on the same request, so the receiver's
 * header-first check does not make every delivery parse its signature header twice. Keyed by the
 * headers object and the clock value (the receiver passes the same `now` to both), held weakly, and
 * taken out on use: a `verify` without a matching `checkHeaders` simply parses again.
 */
export class HeaderCheckCache<Parsed> {
  readonly #entries = new WeakMap<IncomingHeaders, { readonly now: number; readonly parsed: Parsed }>();

  /** Runs `check` and remembers its result for `take`. */
  remember(headers: IncomingHeaders, now: number, check: () => Parsed): void {
    this.#entries.set(headers, { now, parsed: check() });
  }

  /** The remembered result for these headers at this time, else `check()`; forgets it either way. */
  take(headers: IncomingHeaders, now: number, check: () => Parsed): Parsed {
    const entry = this.#entries.get(headers);
    if (entry === undefined) return check();
    this.#entries.delete(headers);
    return entry.now === now ? entry.parsed : check();
  }
}
