import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import koaBodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import { Readable } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { expressMiddleware } from '@wearhook/express';
import { fastifyPlugin } from '@wearhook/fastify';
import { koaMiddleware } from '@wearhook/koa';
import { webHandler } from '@wearhook/web';
import fastify4 from 'fastify4';
import fastify5 from 'fastify';
import { Hono } from 'hono';
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

function fastifyFramework(name: string, Fastify: typeof fastify5): Framework {
  return {
    name,
    parsers: ['none'],
    async serve(receiver: AnyReceiver) {
      const app = Fastify();
      await app.register(fastifyPlugin(receiver), { path: '/webhook' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return app.server;
    },
  };
}

/** @wearhook/web in Hono on its Node server; `json` is a middleware that reads `c.req.json()` first. */
const honoFramework: Framework = {
  name: 'hono (node-server)',
  parsers: ['none', 'json'],
  serve(receiver: AnyReceiver, parser: ParserSetup = 'none') {
    const app = new Hono();
    if (parser === 'json') {
      app.use('/webhook', async (c, next) => {
        await c.req.json();
        await next();
      });
    }
    const handler = webHandler(receiver);
    app.all('/webhook', (c) => handler(c.req.raw));
    return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
};

/**
 * @wearhook/web called the way Next.js App Router calls a route module's `export const POST`: with a
 * real `Request` built by Node's own fetch implementation from the incoming message, its Response
 * written back as is.
 */
const nodeRequestFramework: Framework = {
  name: 'Next.js route-handler signature (Node Request)',
  parsers: ['none', 'json'],
  serve(receiver: AnyReceiver, parser: ParserSetup = 'none') {
    const route = { POST: webHandler(receiver) };
    return listen(
      createServer((req, res) => {
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
          method: req.method,
          headers,
          body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
          duplex: 'half',
        } as RequestInit);
        const handle = async (): Promise<Response> => {
          // What a route that called `await request.json()` before wearhook leaves behind.
          if (parser === 'json') await request.json().catch(() => undefined);
          return route.POST(request);
        };
        handle().then(
          async (response) => {
            res.writeHead(response.status, Object.fromEntries(response.headers));
            res.end(Buffer.from(await response.arrayBuffer()));
          },
          (error: unknown) => {
            res.writeHead(500).end(String(error));
          },
        );
      }),
    );
  },
};

export const FRAMEWORKS: readonly Framework[] = [
  expressFramework('express 4', express4 as unknown as typeof express5),
  expressFramework('express 5', express5),
  koaFramework('koa 2', koa2 as unknown as typeof koa3, (formOnly) =>
    (formOnly ? legacyKoaBodyParser({ enableTypes: ['form'] }) : legacyKoaBodyParser()) as unknown as Middleware,
  ),
  koaFramework('koa 3', koa3, (formOnly) => (formOnly ? koaBodyParser({ enableTypes: ['form'] }) : koaBodyParser()) as unknown as Middleware),
  fastifyFramework('fastify 4', fastify4 as unknown as typeof fastify5),
  fastifyFramework('fastify 5', fastify5),
  honoFramework,
  nodeRequestFramework,
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
