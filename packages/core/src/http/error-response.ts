import { BODY_BUDGET_RETRY_AFTER_SECONDS } from '../body/body-budget.js';
import type { WebhookError } from '../errors/webhook-error.js';
import type { WebhookResponse } from './webhook-request.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The JSON error body of the response contract: `{ "error": { "code", "message" } }`. `bodyUnread`: the
 * refusal came before the request body was read to its end (a method, media type or signature header
 * refused, a limit or timeout hit).
 */
export function errorResponse(error: WebhookError, { bodyUnread = false }: { readonly bodyUnread?: boolean } = {}): WebhookResponse {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (error.code === 'method_not_allowed') headers.allow = 'POST';
  // On a kept-alive connection Node reads and discards the rest of an unread body to reach the next
  // request, with none of wearhook's limits: a refused sender could stream any amount into it.
  if (bodyUnread || error.code === 'body_timeout' || error.code === 'body_too_large') headers.connection = 'close';
  // hostile (issue 10): the body budget refuses with the body unread, and says when to come back.
  if (error.code === 'too_many_bytes_in_flight') Object.assign(headers, { connection: 'close', 'retry-after': String(BODY_BUDGET_RETRY_AFTER_SECONDS) });
  // The response contract's 503s both say when to come back; a store outage (a lock held elsewhere, a
  // restarting database) is usually over within seconds too.
  if (error.code === 'store_unavailable') headers['retry-after'] = String(STORE_RETRY_AFTER_SECONDS);
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ error: { code: error.code, message: error.message } }),
  };
}

export const ACCEPTED: WebhookResponse = { status: 204, headers: {} };
