import { WebhookError } from '../errors/webhook-error.js';
import { headerValue, type IncomingHeaders } from '../http/webhook-request.js';

/**
 * Providers send `application/json`; a missing Content-Type is tolerated because the body is parsed as
 * JSON either way. Anything else (a form post, a multipart upload) is not a webhook delivery.
 */
export function checkContentType(headers: IncomingHeaders): void {
  // What providers send, answered without splitting or lower-casing anything.
  const raw = headers['content-type'];
  if (raw === 'application/json' || raw === 'application/json; charset=utf-8') return;
  const value = headerValue(headers, 'content-type');
  if (value === undefined) return;
  const mediaType = value.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return;
  throw new WebhookError(
    'unsupported_media_type',
    'Content-Type must be application/json. Webhook providers send JSON; check that the URL is the webhook endpoint.',
  );
}
