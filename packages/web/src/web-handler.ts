import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { withSubscriptions, type BodySource, type Receiver, type WebhookResponse, type WithSubscriptions } from '@wearhook/core';

/** A Fetch-API handler, `(request) => Promise<Response>`, that is also the receiver's subscription API. */
export type WebWebhookHandler<EventMap> = WithSubscriptions<(request: Request) => Promise<Response>, EventMap>;

/**
 * Wraps any wearhook receiver as a Fetch-API handler: `export const POST = handler` in a Next.js App
 * Router route, `app.post(path, (c) => handler(c.req.raw))` in Hono, or any server that hands you a
 * `Request`. The body is read from `request.body` as a stream, with the receiver's limits and timeout.
 */
export function webHandler<EventMap>(receiver: Receiver<EventMap>): WebWebhookHandler<EventMap> {
  const handler = async (request: Request): Promise<Response> => {
    const headers: Record<string, string> = {};
    // Fetch Headers are lower-cased already, as the pipeline expects.
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const response = await receiver.handle({ method: request.method, headers, body: bodySource(request) });
    return toResponse(response);
  };
  return withSubscriptions(handler, receiver);
}

function bodySource(request: Request): BodySource {
  if (request.bodyUsed) {
    return {
      kind: 'consumed',
      parser: 'code that ran before wearhook',
      found: 'request.bodyUsed is true (request.json(), .text(), .formData() or .arrayBuffer() was called), so the stream is gone',
    };
  }
  if (request.body === null) return { kind: 'buffer', buffer: Buffer.alloc(0) };
  if (request.body.locked) {
    return {
      kind: 'consumed',
      parser: 'code that ran before wearhook',
      found: 'request.body is locked (a reader was taken from it), so its bytes cannot be read from the start',
    };
  }
  // A Node stream, so the body is read by the same code, with the same limits, as in Express and Koa.
  return { kind: 'stream', stream: Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>) };
}

function toResponse(response: WebhookResponse): Response {
  return new Response(response.body ?? null, { status: response.status, headers: response.headers });
}
