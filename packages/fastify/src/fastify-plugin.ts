import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { withSubscriptions, type Receiver, type WithSubscriptions } from '@wearhook/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the plugin registers its route: `app.register(thryve, { path: '/webhooks/thryve' })`. */
export interface WebhookRouteOptions {
  /** The route's path, under the plugin's `prefix` if you give one. */
  readonly path: string;
}

/** A Fastify plugin that is also the receiver's subscription API (`on`, `onAny`, ...). */
export type FastifyWebhookPlugin<EventMap> = WithSubscriptions<
  (fastify: FastifyInstance, options: WebhookRouteOptions) => Promise<void>,
  EventMap
>;

/**
 * Wraps any wearhook receiver as a Fastify 4/5 plugin that registers one route at `options.path`
 * (all methods: others than POST get 405 with `Allow: POST`).
 *
 * Inside the plugin's own encapsulated context, every content type is handed to wearhook as the
 * unread request stream: Fastify's JSON parser would discard the bytes the signature covers, and its
 * `bodyLimit` (1 MiB by default) applies only to the parsers it reads for itself, so the route is
 * bounded by wearhook's `limits` instead (16 MiB by default, answered with the response contract's 413).
 * Parsers of the rest of the app are untouched, and the app's hooks run as on any route.
 */
export function fastifyPlugin<EventMap>(receiver: Receiver<EventMap>): FastifyWebhookPlugin<EventMap> {
  const plugin = async (fastify: FastifyInstance, options: WebhookRouteOptions): Promise<void> => {
    if (typeof options?.path !== 'string') {
      throw new TypeError("wearhook: register the webhook plugin with the route's path, e.g. app.register(thryve, { path: '/webhooks/thryve' }).");
    }
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request: FastifyRequest, payload: Readable, done: (error: null, body: Readable) => void) => {
      done(null, payload);
    });
    fastify.all(options.path, { onRequest: setContentTypeAside }, async (request: FastifyRequest, reply: FastifyReply) => {
      // No body (no Content-Type and no length): Fastify skips the parsers; the raw stream is empty.
      const stream = (request.body as Readable | undefined) ?? request.raw;
      const contentType = setAside.get(request.raw);
      if (contentType !== undefined) request.headers['content-type'] = contentType;
      const response = await receiver.handle({ method: request.method, headers: request.headers, body: { kind: 'stream', stream } });
      reply.code(response.status).headers(response.headers);
      return reply.send(response.body);
    });
  };
  return withSubscriptions(plugin, receiver);
}

/** The Content-Type each request to a webhook route came with, while Fastify sees another. */
const setAside = new WeakMap<IncomingMessage, string>();

/**
 * Fastify 5 answers an empty or unparsable Content-Type itself, before any parser (its own 415 body,
 * nothing in wearhook's log), where wearhook accepts the first and refuses the second with the response
 * contract's 415. So Fastify is shown one it accepts until its parsing is done, and the handler puts the
 * one that was sent back for wearhook.
 */
async function setContentTypeAside(request: FastifyRequest): Promise<void> {
  const contentType = request.headers['content-type'];
  if (contentType === undefined) return;
  setAside.set(request.raw, contentType);
  request.headers['content-type'] = 'application/octet-stream';
}
