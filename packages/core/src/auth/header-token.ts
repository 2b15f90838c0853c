import { WebhookError } from '../errors/webhook-error.js';
import type { Authenticator, AuthInput } from './authenticator.js';
import { normalizeHeaderName } from './config-checks.js';
import { SecretSet } from './constant-time.js';
import { readHeader } from './headers.js';
import { normalizeSecrets } from './secrets.js';

/** Options of `headerToken`: the header and the value it must carry, or several accepted values. */
export type HeaderTokenOptions =
  | { readonly header: string; readonly value: string; readonly values?: never }
  | { readonly header: string; readonly values: readonly string[]; readonly value?: never };

const OWNER = 'headerToken';

/**
 * A static token in a custom header (one form of Thryve's optional "web authentication"), checked from
 * the headers alone so a request without it is refused before its body is read. Compared in constant
 * time as keyed digests, so neither the token nor its length leaks through timing.
 */
export function headerToken(options: HeaderTokenOptions): Authenticator {
  const header = normalizeHeaderName(options.header, OWNER, 'header');
  if ((options.value === undefined) === (options.values === undefined)) {
    throw new TypeError(`${OWNER}: pass either \`value\` (one token) or \`values\` (several), not ${options.value === undefined ? 'neither' : 'both'}.`);
  }
  const option = options.value === undefined ? 'values' : 'value';
  const tokens = new SecretSet(normalizeSecrets(options.value ?? options.values, OWNER, option));

  return {
    stage: 'headers',
    description: `static token in ${header}`,
    verify({ headers }: AuthInput): void {
      const value = readHeader(headers, header, 'unauthorized');
      if (value === undefined) {
        throw new WebhookError(
          'missing_signature',
          `No ${header} header. This endpoint requires it: set it in the web authentication settings of the sender (for Thryve, its dashboard).`,
        );
      }
      if (!tokens.has(value)) {
        throw new WebhookError(
          'unauthorized',
          `The ${header} header does not carry an accepted token. Check that the value set with the sender is the one configured here.`,
        );
      }
    },
  };
}
