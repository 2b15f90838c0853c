import { createHmac } from 'node:crypto';
import { WebhookError } from '../errors/webhook-error.js';
import type { IncomingHeaders } from '../http/webhook-request.js';
import type { Authenticator, AuthInput, HeaderCheckInput } from './authenticator.js';
import { HeaderCheckCache } from './header-check-cache.js';
import { checkTolerance } from './config-checks.js';
import { digestsEqual } from './constant-time.js';
import { decodeBase64 } from './encoding.js';
import { readHeader } from './headers.js';
import { hmacKey } from './hmac-key.js';
import type { Secrets } from './secrets.js';
import { standardWebhooksKeys } from './standard-webhooks-secret.js';
import { assertWithinTolerance, parseUnixSeconds } from './timestamp.js';

/** Options of `standardWebhooks`. */
export interface StandardWebhooksOptions {
  /**
   * The endpoint's signing secret, `whsec_<base64>` (the prefix is optional), or several (any match
   * passes). Refused at construction when it is not valid base64.
   */
  readonly secrets: Secrets;
  /** How far the timestamp may be from the server clock, both ways, in seconds. Default 300; `null` disables the check (replay protection with it). */
  readonly toleranceSeconds?: number | null;
}

const OWNER = 'standardWebhooks';
const SHA256_LENGTH = 32;
const ENTRY_SEPARATOR = /\s+/;

/**
 * Verifies Standard Webhooks / Svix signatures, as Vital (Junction) sends them: `svix-id`,
 * `svix-timestamp` and `svix-signature`, or the unbranded `webhook-id`, `webhook-timestamp` and
 * `webhook-signature`. The signature header is a space-separated list of `v1,<base64>` entries, each an
 * HMAC-SHA256 of `${id}.${timestamp}.${rawBody}`; other versions are skipped and any match passes.
 */
export function standardWebhooks(options: StandardWebhooksOptions): Authenticator {
  const keys = standardWebhooksKeys(options.secrets, OWNER).map((key) => hmacKey(key));
  const toleranceSeconds = checkTolerance(options.toleranceSeconds === undefined ? 300 : options.toleranceSeconds, OWNER);

  const checked = new HeaderCheckCache<SignedHeaders>();

  return {
    stage: 'wire',
    description: `Standard Webhooks signature (svix-* or webhook-* headers, HMAC-SHA256${toleranceSeconds === null ? '' : `, tolerance ${toleranceSeconds} s`})`,
    checkHeaders: ({ headers, now }) => checked.remember(headers, now, () => checkSignedHeaders({ headers, now })),
    verify({ headers, body, now }: AuthInput): void {
      const { id, timestamp, signatures } = checked.take(headers, now, () => checkSignedHeaders({ headers, now }));
      const signedPrefix = `${id.value}.${timestamp.value}.`;
      let matched = false;
      for (const key of keys) {
        const expected = createHmac('sha256', key).update(signedPrefix, 'utf8').update(body).digest();
        for (const signature of signatures) {
          if (digestsEqual(expected, signature)) matched = true;
        }
      }
      if (!matched) {
        throw new WebhookError(
          'invalid_signature',
          "No signature matched. Check that the secret is this endpoint's signing secret from the Vital (Junction) dashboard (whsec_…, " +
            'the whole value), and that the body reaches wearhook exactly as received, before any JSON parsing.',
        );
      }
    },
  };

  /** Presence and syntax of the three headers, and the timestamp window: decided before the body is read. */
  function checkSignedHeaders({ headers, now }: HeaderCheckInput): SignedHeaders {
    const signatureHeader = pick(headers, 'signature', 'malformed_signature');
    if (signatureHeader === undefined) {
      throw new WebhookError(
        'missing_signature',
        'No svix-signature (or webhook-signature) header. Check that this URL is the endpoint configured in the Vital (Junction) dashboard, and that no proxy strips the header.',
      );
    }
    const id = pick(headers, 'id', 'malformed_signature');
    if (id === undefined) {
      throw new WebhookError(
        'missing_signature',
        `No ${signatureHeader.family}-id header; it is part of what is signed. Check that no proxy strips it.`,
      );
    }
    const timestamp = pick(headers, 'timestamp', 'invalid_timestamp');
    if (timestamp === undefined || parseUnixSeconds(timestamp.value) === undefined) {
      throw new WebhookError(
        'invalid_timestamp',
        `The ${timestamp?.family ?? signatureHeader.family}-timestamp header is ${timestamp === undefined ? 'missing' : 'not unix seconds'}; it is part of what is signed.`,
      );
    }
    const signatures = parseSignatures(signatureHeader.value, signatureHeader.family);
    if (toleranceSeconds !== null) {
      assertWithinTolerance(Number(timestamp.value) * 1000, now, toleranceSeconds, `${timestamp.family}-timestamp`);
    }
    return { id, timestamp, signatures };
  }
}

interface SignedHeaders {
  readonly id: FoundHeader;
  readonly timestamp: FoundHeader;
  readonly signatures: readonly Buffer[];
}

interface FoundHeader {
  /** Which naming the sender used, for messages. */
  readonly family: 'svix' | 'webhook';
  readonly value: string;
}

/** The Svix-branded header if present, else the unbranded one, looked up per header as Svix's own library does. */
function pick(headers: IncomingHeaders, suffix: string, conflictCode: 'malformed_signature' | 'invalid_timestamp'): FoundHeader | undefined {
  const svix = readHeader(headers, `svix-${suffix}`, conflictCode);
  if (svix !== undefined) return { family: 'svix', value: svix };
  const unbranded = readHeader(headers, `webhook-${suffix}`, conflictCode);
  return unbranded === undefined ? undefined : { family: 'webhook', value: unbranded };
}

/** The `v1` signatures that decode to 32 bytes; refuses a header without any. */
function parseSignatures(value: string, family: string): Buffer[] {
  const signatures: Buffer[] = [];
  let v1Count = 0;
  for (const entry of value.split(ENTRY_SEPARATOR)) {
    const comma = entry.indexOf(',');
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    v1Count += 1;
    const signature = decodeBase64(entry.slice(comma + 1), SHA256_LENGTH);
    if (signature !== undefined) signatures.push(signature);
  }
  if (signatures.length === 0) {
    throw new WebhookError(
      'malformed_signature',
      v1Count === 0
        ? `The ${family}-signature header has no v1,<base64> entry; this receiver verifies symmetric (v1) signatures only.`
        : `No v1 entry of the ${family}-signature header is a base64 HMAC-SHA256 (32 bytes).`,
    );
  }
  return signatures;
}
