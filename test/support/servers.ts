import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import koaBodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import { expressMiddleware } from '@wearhook/express';
import { koaMiddleware } from '@wearhook/koa';
import type { Receiver } from '@wearhook/core';
import express4 from 'express4';
import express5 from 'express5';
import koa2 from 'koa2';
import koa3 from 'koa3';
import type { Middleware } from 'koa';
import legacyKoaBodyParser from 'koa-bodyparser';

/**
 * How the app in front of wearhook treats bodies:
 * - `none`: wearhook's route sees the untouched stream (the recommended mounting);
 * - `json`: a global JSON body parser runs first and keeps nothing;
 * - `json-raw`: a global JSON body parser runs first and keeps the raw body;
 * - `raw`: `express.raw({ type: 'application/json' })` on the route, the Stripe/Svix pattern (Express only);
 * - `form`: a global parser for form bodies only, which leaves JSON requests unread (Express 4's
 *   `urlencoded()` still sets `req.body = {}` on them).
 */
export type ParserSetup = 'none' | 'json' | 'json-raw' | 'raw' | 'form';

export interface Framework {
  readonly name: string;
  /** The parser setups this framework can put in front of wearhook. */
  readonly parsers: readonly ParserSetup[];
  /** Serves `receiver` at `/webhook` (all methods) on a real loopback socket. */
  serve(receiver: Receiver<never>, parser?: ParserSetup): Promise<Server>;
}

type AnyReceiver = Receiver<never>;

function expressFramework(name: string, express: typeof express5): Framework {
  return {
    name,
    parsers: ['none', 'json', 'json-raw', 'raw', 'form'],
    serve(receiver: AnyReceiver, parser: ParserSetup = 'none') {
      const app = express();
      if (parser === 'json') app.use(express.json());
      if (parser === 'form') app.use(express.urlencoded({ extended: false }));
      if (parser === 'json-raw') {
        app.use(
          express.json({
            verify: (req, _res, buf) => {
              Reflect.set(req, 'rawBody', Buffer.from(buf));
            },
          }),
        );
      }
      if (parser === 'raw') app.all('/webhook', express.raw({ type: 'application/json' }), expressMiddleware(receiver));
      else app.all('/webhook', expressMiddleware(receiver));
      return listen(createServer(app));
    },
  };
}

function koaFramework(name: string, Koa: typeof koa3, bodyParser: (formOnly: boolean) => Middleware): Framework {
  return {
    name,
    parsers: ['none', 'json', 'json-raw', 'form'],
    serve(receiver: AnyReceiver, parser: ParserSetup = 'none') {
      const app = new Koa();
      if (parser !== 'none') {
        app.use(bodyParser(parser === 'form'));
        // Both Koa parsers keep ctx.request.rawBody; `json` simulates one that does not.
        if (parser === 'json') {
          app.use(async (ctx, next) => {
            Reflect.deleteProperty(ctx.request, 'rawBody');
            await next();
          });
        }
      }
      const router = new Router();
      router.all('/webhook', koaMiddleware(receiver));
      app.use(router.routes());
      return listen(createServer(app.callback()));
    },
  };
}

export const FRAMEWORKS: readonly Framework[] = [
  expressFramework('express 4', express4 as unknown as typeof express5),
  expressFramework('express 5', express5),
  koaFramework('koa 2', koa2 as unknown as typeof koa3, (formOnly) =>
    (formOnly ? legacyKoaBodyParser({ enableTypes: ['form'] }) : legacyKoaBodyParser()) as unknown as Middleware,
  ),
  koaFramework('koa 3', koa3, (formOnly) => (formOnly ? koaBodyParser({ enableTypes: ['form'] }) : koaBodyParser()) as unknown as Middleware),
];

function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export function urlOf(server: Server, path = '/webhook'): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}${path}`;
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
