import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Which provider sent a corpus payload; also the folder it lives in. */
export type CorpusProvider = 'thryve' | 'terra' | 'vital';

/**
 * What wearhook must make of a payload:
 * - `event`: 204 and the handlers of `eventType` receive a typed event;
 * - `quarantine`: 204, no typed event, the delivery goes to `onInvalid` (or `onUnknown`, see `quarantine`);
 * - `invalid_envelope`: 400 `invalid_envelope`, nothing is handled.
 */
export type CorpusOutcome = 'event' | 'quarantine' | 'invalid_envelope';

/**
 * How close a payload is to what the provider actually sends:
 * - `real`: a delivery as sent (captured, SDK fixture, dashboard test data, current docs example);
 * - `outdated`: an older docs example whose fields the provider has since renamed or added to;
 * - `abridged`: an example with parts elided or placeholders in place of values;
 * - `simulated`: written or edited by a third party to imitate a delivery.
 */
export type CorpusShape = 'real' | 'outdated' | 'abridged' | 'simulated';

export interface CorpusEntry {
  readonly id: string;
  readonly provider: CorpusProvider;
  /** The type handlers subscribe to (`on(type)`), also for payloads expected to be quarantined. */
  readonly eventType: string;
  /** The payload as sent, relative to this folder. */
  readonly file: string;
  /** The text as published, when it was not strict JSON; `conversion` says what changed. */
  readonly original?: string;
  readonly conversion?: string;
  /** `owner/repo@commit:path` or a URL. */
  readonly source: string;
  readonly licence: string | null;
  readonly shape: CorpusShape;
  readonly expected: CorpusOutcome;
  /** For `quarantine`: whether the payload fails its schema (`invalid`) or has an unknown type. */
  readonly quarantine?: 'invalid' | 'unknown';
  /**
   * `expected`: the payload differs from the provider's schema and drift must report it. `undetected`:
   * it differs only in ways the widened conformance schema accepts (a field missing or null, which
   * every non-gate field may be), so drift reports nothing: a known blind spot, asserted so.
   */
  readonly drift?: 'expected' | 'undetected';
  /** Extra headers the provider sent with this payload, e.g. a captured `terra-reference`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A signature the source published for these exact bytes, replayed as is. */
  readonly signature?: { readonly header: string; readonly secret: string };
  readonly covers?: string;
  readonly notes?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** Every entry of `manifest.json`, in its order. */
export function corpusEntries(): readonly CorpusEntry[] {
  const manifest = JSON.parse(readFileSync(`${here}manifest.json`, 'utf8')) as { entries: CorpusEntry[] };
  return manifest.entries;
}

/** The bytes of a corpus file exactly as stored: what is sent, never re-serialised. */
export function corpusBytes(file: string): Buffer {
  return readFileSync(`${here}${file}`);
}
