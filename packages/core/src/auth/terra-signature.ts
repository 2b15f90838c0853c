import { createHmac } from 'node:crypto';
import { WebhookError } from '../errors/webhook-error.js';
import type { Authenticator, AuthInput, HeaderCheckInput } from './authenticator.js';
import { HeaderCheckCache } from './header-check-cache.js';
import { checkTolerance } from './config-checks.js';
import { digestsEqual } from './constant-time.js';
import { decodeHex } from './encoding.js';
import { readHeader } from './headers.js';
import { hmacKey } from './hmac-key.js';
import { normalizeSecrets, type Secrets } from './secrets.js';
import { assertWithinTolerance, parseUnixSeconds } from './timestamp.js';

/** Options of `terraSignature`. */
export interface TerraSignatureOptions {
  /**
   * The signing secret from the Terra dashboard, or several (environments or a rotation sharing one
   * URL; any match passes). Used as its UTF-8 bytes, exactly as shown: not base64-decoded.
   */
  readonly secrets: Secrets;
  /** How far `t=` may be from the server clock, both ways, in seconds. Default 300, as Terra's SDK; `null` disables the check (replay protection with it). */
  readonly toleranceSeconds?: number | null;
}

const OWNER = 'terraSignature';
const HEADERS = ['terra-signature', 'x-terra-signature'] as const;
const SHA256_LENGTH = 32;

/**
 * Verifies Terra's `terra-signature` (or `X-Terra-Signature`) header:
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each `v1` a lowercase hex HMAC-SHA256 of `${t}.${rawBody}`.
 * Other schemes (`v0=`…) are ignored; any `v1` made with any configured secret passes.
 */
export function terraSignature(options: TerraSignatureOptions): Authenticator {
  const keys = normalizeSecrets(options.secrets, OWNER).map((secret) => hmacKey(secret));
  const toleranceSeconds = checkTolerance(options.toleranceSeconds === undefined ? 300 : options.toleranceSeconds, OWNER);

  const checked = new HeaderCheckCache<ParsedTerraHeader>();

  return {
    stage: 'wire',
    description: `Terra signature (terra-signature, HMAC-SHA256${toleranceSeconds === null ? '' : `, tolerance ${toleranceSeconds} s`})`,
    checkHeaders: ({ headers, now }) => checked.remember(headers, now, () => checkTerraHeaders({ headers, now })),
    verify({ headers, body, now }: AuthInput): void {
      const { timestamp, signatures } = checked.take(headers, now, () => checkTerraHeaders({ headers, now }));

      let matched = false;
      for (const key of keys) {
        const expected = createHmac('sha256', key).update(`${timestamp}.`, 'latin1').update(body).digest();
        for (const signature of signatures) {
          if (digestsEqual(expected, signature)) matched = true;
        }
      }
      if (!matched) {
        throw new WebhookError(
          'invalid_signature',
          'No signature matched. Check that the secret is the signing secret shown in the Terra dashboard for this destination ' +
            '(used as is, not base64-decoded), and that the body reaches wearhook exactly as received, before any JSON parsing.',
        );
      }
    },
  };

  /** The header's syntax and the timestamp window: decided before the body is read. */
  function checkTerraHeaders({ headers, now }: HeaderCheckInput): ParsedTerraHeader {
    const [name, value] = findHeader(headers);
    const parsed = parseTerraHeader(value, name);
    if (toleranceSeconds !== null) assertWithinTolerance(Number(parsed.timestamp) * 1000, now, toleranceSeconds, `${name} (t=)`);
    return parsed;
  }
}

function findHeader(headers: AuthInput['headers']): [name: string, value: string] {
  for (const name of HEADERS) {
    const value = readHeader(headers, name, 'malformed_signature');
    if (value !== undefined) return [name, value];
  }
  throw new WebhookError(
    'missing_signature',
    'No terra-signature header. Check that this URL is a Terra destination with a signing secret, and that no proxy strips the header.',
  );
}

interface ParsedTerraHeader {
  /** The `t=` value as sent (digits only): it is signed as text. */
  readonly timestamp: string;
  /** The `v1` signatures that are 64 hex digits; at least one. */
  readonly signatures: readonly Buffer[];
}

function parseTerraHeader(value: string, name: string): ParsedTerraHeader {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  let v1Count = 0;
  for (const part of value.split(',')) {
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    const scheme = part.slice(0, equals).trim();
    const text = part.slice(equals + 1).trim();
    if (scheme === 't') {
      if (timestamp !== undefined && timestamp !== text) {
        throw new WebhookError('invalid_timestamp', `The ${name} header has more than one t= value.`);
      }
      timestamp = text;
    } else if (scheme === 'v1') {
      v1Count += 1;
      const signature = decodeHex(text, SHA256_LENGTH);
      if (signature !== undefined) signatures.push(signature);
    }
  }
  if (timestamp === undefined || parseUnixSeconds(timestamp) === undefined) {
    throw new WebhookError(
      'invalid_timestamp',
      `The ${name} header has ${timestamp === undefined ? 'no t= value' : 'a t= value that is not unix seconds'}; Terra sends t=<unix seconds>,v1=<hex>.`,
    );
  }
  if (signatures.length === 0) {
    throw new WebhookError(
      'malformed_signature',
      v1Count === 0
        ? `The ${name} header has no v1= signature; Terra sends t=<unix seconds>,v1=<hex>.`
        : `No v1= value in the ${name} header is a 64-digit hex HMAC-SHA256.`,
    );
  }
  return { timestamp, signatures };
}
