import type { TestDelivery } from '@wearhook/core/testing';

export type SendResult =
  | { readonly kind: 'answered'; readonly status: number; readonly body: string; readonly ms: number }
  | { readonly kind: 'unreachable'; readonly reason: string };

/** POSTs the body byte for byte with its headers; an answer of any status is a result, not an error. */
export async function sendDelivery(url: URL, delivery: TestDelivery, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return { kind: 'answered', status: response.status, body, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { kind: 'unreachable', reason: reasonOf(error, timeoutMs) };
  }
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if ((error as { name?: unknown }).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch wraps the socket error: "fetch failed", with the useful code in `cause`.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return (error as Error).message ?? String(error);
}
