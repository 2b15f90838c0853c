import { createHmac } from 'node:crypto';
import { WebhookError } from '../errors/webhook-error.js';
import type { Authenticator, AuthInput, HeaderCheckInput } from './authenticator.js';
import { HeaderCheckCache } from './header-check-cache.js';
import { checkTolerance, normalizeHeaderName } from './config-checks.js';
import { digestsEqual } from './constant-time.js';
import { decodeBase64, decodeHex } from './encoding.js';
import { readHeader } from './headers.js';
import { hmacKey } from './hmac-key.js';
import { normalizeSecrets, type Secrets } from './secrets.js';
import { assertWithinTolerance, parseFlexibleTimestamp } from './timestamp.js';

/**
 * Options of `hmacSignature`. The defaults are Thryve's documented scheme: lowercase hex HMAC-SHA256
 * in `X-HMAC-Signature` over the body exactly as received (still compressed), followed by the value of
 * `X-HMAC-Timestamp` when that header is present. Thryve has not published more than that, so every
 * part is configurable.
 */
export interface HmacSignatureOptions {
  /** The HMAC secret, or several (any match passes). Used as UTF-8 bytes. */
  readonly secrets: Secrets;
  /** The header carrying the signature. Default `'x-hmac-signature'`; any case. */
  readonly header?: string;
  /** Any HMAC digest Node's crypto supports (`'sha256'`, `'sha512'`, `'sha1'`…). Default `'sha256'`. */
  readonly algorithm?: string;
  /** How the signature is written: `'hex'` (either case) or `'base64'` (padded or not). Default `'hex'`. */
  readonly encoding?: 'hex' | 'base64';
  /** A label before the signature, such as `'sha256='`. Accepted, in any case, but not required. Default none. */
  readonly prefix?: string;
  /**
   * Which bytes are signed: `'wire'`, exactly as received (still compressed), or `'decoded'`, after
   * `Content-Encoding` decoding. Default `'wire'`.
   */
  readonly signedBytes?: 'wire' | 'decoded';
  /**
   * A header whose value, exactly as sent (as UTF-8, without the surrounding whitespace HTTP ignores),
   * is appended to the signed bytes when present; `false` for none. Default `'x-hmac-timestamp'`.
   */
  readonly timestampHeader?: string | false;
  /**
   * How far the timestamp may be from the server clock, both ways, in seconds; `null` for no check.
   *
   * Default {@link DEFAULT_HMAC_TOLERANCE_SECONDS} (24 h), applied when the timestamp header is present:
   * it must then parse as unix seconds, unix milliseconds or ISO 8601 and lie within the window.
   * Deliveries without the header are still accepted (see `requireTimestamp`). Set explicitly, a
   * number also makes the timestamp header required. `null` turns the check off: then a captured
   * delivery replayed after the store has forgotten its key (the retention, 7 days by default) is
   * dispatched again.
   */
  readonly toleranceSeconds?: number | null;
  /** Refuse deliveries without the timestamp header. Default `false` (implied by an explicit `toleranceSeconds`). */
  readonly requireTimestamp?: boolean;
}

const OWNER = 'hmacSignature';

/**
 * The default replay window for a signed timestamp header (Thryve's `X-HMAC-Timestamp`): 24 hours.
 *
 * What Thryve's timestamp means is not documented: when it is taken (signing or the data's creation),
 * whether retries reuse it, and in which time zone an ISO value without an offset is written. A window
 * of minutes could refuse genuine retries or a value written in local time (offsets reach ±14 h), and
 * Thryve disables webhooks after repeated failures. The window does not need to be short to stop
 * replays: within the retention the store recognises a replay by its body hash; the window only has
 * to end before the retention does (7 days by default), so that a delivery replayed after its key is
 * forgotten is refused. 24 h does both.
 */
export const DEFAULT_HMAC_TOLERANCE_SECONDS = 24 * 60 * 60;

/** Verifies an HMAC of the body (and optionally a timestamp header), Thryve's scheme by default. */
export function hmacSignature(options: HmacSignatureOptions): Authenticator {
  const keys = normalizeSecrets(options.secrets, OWNER).map((secret) => hmacKey(secret));
  const header = normalizeHeaderName(options.header ?? 'x-hmac-signature', OWNER, 'header');
  const algorithm = options.algorithm ?? 'sha256';
  const digestLength = hmacLength(algorithm);
  const encoding = options.encoding ?? 'hex';
  if (encoding !== 'hex' && encoding !== 'base64') {
    throw new TypeError(`${OWNER}: \`encoding\` must be 'hex' or 'base64'.`);
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') throw new TypeError(`${OWNER}: \`prefix\` must be a string such as 'sha256='.`);
  const signedBytes = options.signedBytes ?? 'wire';
  if (signedBytes !== 'wire' && signedBytes !== 'decoded') {
    throw new TypeError(`${OWNER}: \`signedBytes\` must be 'wire' or 'decoded'.`);
  }
  const timestampHeader =
    options.timestampHeader === false
      ? undefined
      : normalizeHeaderName(options.timestampHeader ?? 'x-hmac-timestamp', OWNER, 'timestampHeader');
  const toleranceSeconds =
    options.toleranceSeconds === undefined
      ? timestampHeader === undefined
        ? null
        : DEFAULT_HMAC_TOLERANCE_SECONDS
      : checkTolerance(options.toleranceSeconds, OWNER);
  const requireTimestamp =
    options.requireTimestamp === true || (options.toleranceSeconds !== undefined && options.toleranceSeconds !== null);
  if (timestampHeader === undefined && requireTimestamp) {
    throw new TypeError(
      `${OWNER}: \`requireTimestamp\` and \`toleranceSeconds\` need a \`timestampHeader\`; it is set to false.`,
    );
  }
  const decode = encoding === 'hex' ? decodeHex : decodeBase64;
  const name = `HMAC-${algorithm.toUpperCase()}`;

  const checked = new HeaderCheckCache<{ signature: Buffer; timestamp: string | undefined }>();

  return {
    stage: signedBytes,
    description:
      `${name} (${encoding}) in ${header} over the ${signedBytes === 'wire' ? 'body as received' : 'decoded body'}` +
      (timestampHeader === undefined ? '' : ` followed by ${timestampHeader}`) +
      (toleranceSeconds === null ? '' : `, tolerance ${toleranceSeconds} s`),
    checkHeaders: ({ headers, now }) => checked.remember(headers, now, () => checkSignedHeaders({ headers, now })),
    verify({ headers, body, now }: AuthInput): void {
      const { signature, timestamp } = checked.take(headers, now, () => checkSignedHeaders({ headers, now }));
      let matched = false;
      for (const key of keys) {
        const hmac = createHmac(algorithm, key).update(body);
        if (timestamp !== undefined) hmac.update(timestamp, 'utf8');
        if (digestsEqual(hmac.digest(), signature)) matched = true;
      }
      if (!matched) {
        throw new WebhookError(
          'invalid_signature',
          'No signature matched. Check that the secret is the HMAC secret set with the sender (for Thryve, in the Thryve dashboard), ' +
            `that \`algorithm\`, \`encoding\` and \`signedBytes\` ('${signedBytes}') match how it signs, and that the body reaches wearhook exactly as received.`,
        );
      }
    },
  };

  /** The signature header's presence and syntax, and the timestamp window: decided before the body is read. */
  function checkSignedHeaders({ headers, now }: HeaderCheckInput): { signature: Buffer; timestamp: string | undefined } {
    const received = readHeader(headers, header, 'malformed_signature');
    if (received === undefined) {
      throw new WebhookError(
        'missing_signature',
        `No ${header} header. Check that HMAC signing is switched on for this webhook with the sender, and that no proxy strips the header.`,
      );
    }
    const signature = decode(stripPrefix(received, prefix), digestLength);
    if (signature === undefined) {
      throw new WebhookError(
        'malformed_signature',
        `The ${header} header is not a ${digestLength}-byte ${name} signature in ${encoding}. ` +
          'Check the `algorithm`, `encoding` and `prefix` options against how the sender signs.',
      );
    }
    const timestamp = timestampHeader === undefined ? undefined : readHeader(headers, timestampHeader, 'invalid_timestamp');
    if (timestamp === undefined) {
      if (requireTimestamp) {
        throw new WebhookError(
          'invalid_timestamp',
          `No ${timestampHeader} header, and this receiver requires one. Check that the sender sends it, or set \`requireTimestamp: false\` and \`toleranceSeconds: null\`.`,
        );
      }
      return { signature, timestamp };
    }
    if (toleranceSeconds !== null) {
      const timestampMs = parseFlexibleTimestamp(timestamp);
      if (timestampMs === undefined) {
        throw new WebhookError(
          'invalid_timestamp',
          `The ${timestampHeader} header is not unix seconds, unix milliseconds or an ISO 8601 time, so the replay window ` +
            '(`toleranceSeconds`) cannot be checked. If the sender writes it another way, set `toleranceSeconds: null`.',
        );
      }
      assertWithinTolerance(timestampMs, now, toleranceSeconds, timestampHeader ?? 'timestamp');
    }
    return { signature, timestamp };
  }
}

/** The HMAC output length of `algorithm`; refuses an algorithm Node cannot use for HMAC. */
function hmacLength(algorithm: unknown): number {
  try {
    if (typeof algorithm !== 'string') throw new TypeError('not a string');
    const length = createHmac(algorithm, 'probe').digest().length;
    if (length > 0) return length;
  } catch {
    // Reported below, with the fix.
  }
  throw new TypeError(
    `${OWNER}: \`algorithm\` ${JSON.stringify(algorithm)} is not an HMAC digest this Node.js supports. Use a name from crypto.getHashes(), such as 'sha256'.`,
  );
}

function stripPrefix(value: string, prefix: string): string {
  if (prefix === '' || value.length < prefix.length) return value;
  return value.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() ? value.slice(prefix.length).trimStart() : value;
}
