import { createHmac } from 'node:crypto';

// Signatures computed here with node:crypto directly, following each provider's documentation, so the
// tests do not depend on the library's own signing helpers.

/** Terra: `t=<unix>,v1=<hex HMAC-SHA256 of "${t}.${body}">`, keyed by the secret's UTF-8 bytes. */
export function terraSignatureHeader(secret: string, body: Buffer, t: number): string {
  const v1 = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.concat([Buffer.from(`${t}.`), body])).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** Svix / Standard Webhooks: `v1,<base64 HMAC-SHA256 of "${id}.${t}.${body}">`, keyed by base64-decoding the secret. */
export function svixSignatureHeader(secret: string, id: string, t: number, body: Buffer): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${t}.`), body])).digest('base64')}`;
}
