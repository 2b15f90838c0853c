import { nodeBodySource, type Receiver, type WebhookResponse, withSubscriptions, type WithSubscriptions } from '@wearhook/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Express middleware that is also the receiver's subscription API (`on`, `onAny`, ...). */
export type ExpressWebhookMiddleware<EventMap> = WithSubscriptions<RequestHandler, EventMap>;

/**
 * Wraps any wearhook receiver as Express 4/5 middleware. Mount it with `app.post(path, ...)`, or
 * `app.all(path, ...)` to answer other methods with 405. Mount it before `express.json()`, or keep
 * the raw bytes in `req.rawBody`, or put `express.raw({ type: 'application/json', limit: '16mb' })` in
 * front of it for uncompressed deliveries (body-parser's default limit is 100 kB; see the README).
 */
export function expressMiddleware<EventMap>(receiver: Receiver<EventMap>): ExpressWebhookMiddleware<EventMap> {
  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const body = nodeBodySource(req, {
      parsedBody: req.body,
      rawBody: (req as Request & { rawBody?: unknown }).rawBody,
      parserName: 'an Express body parser such as express.json()',
      parsedBodyName: 'req.body',
      rawBodyName: 'req.rawBody',
    });
    receiver
      .handle({ method: req.method, headers: req.headers, body })
      .then((response) => {
        // Another middleware may have answered meanwhile (a request timeout, say): writing then would
        // throw ERR_HTTP_HEADERS_SENT. Anything `send` throws goes to Express's error handling below,
        // never to an unhandled rejection, which ends the process.
        if (!res.headersSent) send(res, response);
      })
      .catch(next);
  };
  return withSubscriptions(middleware, receiver);
}

function send(res: Response, response: WebhookResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}
