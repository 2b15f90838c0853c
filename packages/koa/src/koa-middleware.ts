import { nodeBodySource, type Receiver, withSubscriptions, type WithSubscriptions } from '@wearhook/core';
import type { Middleware } from 'koa';

/** Koa middleware that is also the receiver's subscription API (`on`, `onAny`, ...). */
export type KoaWebhookMiddleware<EventMap> = WithSubscriptions<Middleware, EventMap>;

/**
 * Wraps any wearhook receiver as Koa 2/3 middleware, for `router.post(path, ...)` with @koa/router
 * (or `router.all(path, ...)` to answer other methods with 405). Mount it before a body parser, or keep
 * the raw body in `ctx.request.rawBody`.
 */
export function koaMiddleware<EventMap>(receiver: Receiver<EventMap>): KoaWebhookMiddleware<EventMap> {
  const middleware: Middleware = async (ctx) => {
    const request = ctx.request as typeof ctx.request & { body?: unknown; rawBody?: unknown };
    const body = nodeBodySource(ctx.req, {
      parsedBody: request.body,
      rawBody: request.rawBody,
      parserName: 'a Koa body parser such as @koa/bodyparser',
      parsedBodyName: 'ctx.request.body',
      rawBodyName: 'ctx.request.rawBody',
    });
    const response = await receiver.handle({ method: ctx.method, headers: ctx.req.headers, body });
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body ?? null;
  };
  return withSubscriptions(middleware, receiver);
}
