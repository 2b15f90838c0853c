import { WebhookError } from '../errors/webhook-error.js';
import type { Authenticator, AuthInput } from './authenticator.js';
import { digestSecret, digestsEqual } from './constant-time.js';
import { decodeBase64Any } from './encoding.js';
import { readHeader } from './headers.js';

/** One accepted pair of HTTP Basic credentials. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

const OWNER = 'basicAuth';
const BASIC = /^basic[ \t]+(\S+)$/i;
const COLON = 0x3a;

/**
 * HTTP Basic authentication (Thryve's optional "web authentication"), checked from the headers alone
 * so a request without credentials is refused before its body is read. Several pairs may be accepted
 * (a rotation). Username and password are both compared in constant time, as keyed digests, so
 * neither their values nor their lengths leak through timing.
 */
export function basicAuth(credentials: BasicCredentials | readonly BasicCredentials[]): Authenticator {
  const list: readonly BasicCredentials[] = Array.isArray(credentials) ? credentials : [credentials as BasicCredentials];
  if (list.length === 0) throw new TypeError(`${OWNER}: the list of credentials is empty. Pass at least one { username, password }.`);
  const accepted = list.map((pair, index) => {
    const where = list.length === 1 ? '' : ` (entry ${index})`;
    const { username, password } = (pair ?? {}) as Partial<BasicCredentials>;
    if (typeof username !== 'string' || username === '' || username.includes(':')) {
      throw new TypeError(`${OWNER}: \`username\`${where} must be a non-empty string without ':'. Is its environment variable set?`);
    }
    if (typeof password !== 'string' || password === '') {
      throw new TypeError(`${OWNER}: \`password\`${where} must be a non-empty string. Is its environment variable set?`);
    }
    return { username: digestSecret(Buffer.from(username, 'utf8')), password: digestSecret(Buffer.from(password, 'utf8')) };
  });

  return {
    stage: 'headers',
    description: `HTTP Basic authentication (${accepted.length} accepted credential${accepted.length === 1 ? '' : 's'})`,
    verify({ headers }: AuthInput): void {
      const value = readHeader(headers, 'authorization', 'unauthorized');
      if (value === undefined) {
        throw new WebhookError(
          'missing_signature',
          'No Authorization header. This endpoint requires HTTP Basic credentials: set the username and password in the web authentication settings of the sender (for Thryve, its dashboard).',
        );
      }
      const token = BASIC.exec(value)?.[1];
      const decoded = token === undefined ? undefined : decodeBase64Any(token);
      const colon = decoded?.indexOf(COLON) ?? -1;
      if (decoded === undefined || colon === -1) {
        throw new WebhookError('unauthorized', 'The Authorization header is not HTTP Basic credentials (Basic base64(username:password)).');
      }
      const username = digestSecret(decoded.subarray(0, colon));
      const password = digestSecret(decoded.subarray(colon + 1));
      let matched = false;
      for (const pair of accepted) {
        // Both parts are compared every time: `&&` would skip the password when the username differs.
        const sameUser = digestsEqual(pair.username, username);
        const samePassword = digestsEqual(pair.password, password);
        if (sameUser && samePassword) matched = true;
      }
      if (!matched) {
        throw new WebhookError(
          'unauthorized',
          'Wrong username or password. Check that the credentials set with the sender (for Thryve, its web authentication settings) are the ones configured here.',
        );
      }
    },
  };
}
