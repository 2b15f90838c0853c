import { decodeBase64Any } from './encoding.js';
import { normalizeSecrets, type Secrets } from './secrets.js';

const PREFIX = 'whsec_';

/**
 * The HMAC keys of Standard Webhooks (Svix) secrets: `whsec_<base64>`, prefix optional, base64-decoded.
 * Using the secret's text as the key instead is the classic mistake; this refuses anything that is
 * not valid base64 at construction, so that mistake cannot pass silently.
 */
export function standardWebhooksKeys(secrets: Secrets, owner: string): readonly Buffer[] {
  const list = normalizeSecrets(secrets, owner);
  return list.map((secret, index) => {
    const where = list.length === 1 ? '`secrets`' : `\`secrets[${index}]\``;
    const key = decodeBase64Any(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);
    if (key === undefined || key.length === 0) {
      throw new TypeError(
        `${owner}: ${where} is not a Standard Webhooks secret: expected 'whsec_' followed by base64. ` +
          'Copy the signing secret of this endpoint from the Vital (Junction) or Svix dashboard as it is shown.',
      );
    }
    return key;
  });
}
