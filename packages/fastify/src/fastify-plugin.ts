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
 * The receiver runs in the route's `onRequest` hook, on the unread request stream, and answers there:
 * Fastify never parses the body. Its JSON parser would discard the bytes the signature covers; its
 * `bodyLimit` (1 MiB by default) is replaced by wearhook's `limits` (16 MiB by default, answered with the
 * response contract's 413); and Fastify 5 answers an empty or unparsable Content-Type itself, before any
 * parser, with its own 415 body and nothing in wearhook's log. Parsers of the rest of the app are
 * untouched.
 */
export function fastifyPlugin<EventMap>(receiver: Receiver<EventMap>): FastifyWebhookPlugin<EventMap> {
  const plugin = async (fastify: FastifyInstance, options: WebhookRouteOptions): Promise<void> => {
    if (typeof options?.path !== 'string') {
      throw new TypeError("wearhook: register the webhook plugin with the route's path, e.g. app.register(thryve, { path: '/webhooks/thryve' }).");
    }
    const receive = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const response = await receiver.handle({ method: request.method, headers: request.headers, body: { kind: 'stream', stream: request.raw } });
      reply.code(response.status).headers(response.headers);
      return reply.send(response.body);
    };
    // The handler is never reached: the hook has answered.
    fastify.all(options.path, { onRequest: receive }, receive);
  };
  return withSubscriptions(plugin, receiver);
}
