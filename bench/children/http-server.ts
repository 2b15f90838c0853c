// The HTTP server side of http-throughput.ts, in its own process so that autocannon never shares its
// event loop. Listens on 127.0.0.1 only. argv[2]: `{"framework":"bare"|"express"|"koa","stores":boolean}`.
// Routes: POST /baseline (the framework's JSON body parser, then 204), POST /wearhook/<provider> and,
// with stores, POST /wearhook/<provider>/<memory|sqlite>. Sends {type:'ready', port} over IPC.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { expressMiddleware } from '@wearhook/express';
import { koaMiddleware } from '@wearhook/koa';
import express from 'express';
import Koa from 'koa';
import { benchReceiver, closeReceiver, openStore, PROVIDERS, type AnyReceiver, type ReceiverCounts, type StoreHandle, type StoreKind } from '../lib/core-api.js';

interface ServerConfig {
  readonly framework: 'bare' | 'express' | 'koa';
  readonly stores: boolean;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;

interface Route {
  readonly path: string;
  readonly receiver: AnyReceiver;
  readonly counts: ReceiverCounts;
}

const routes: Route[] = [];
const stores: StoreHandle[] = [];

async function buildRoutes(): Promise<void> {
  for (const provider of PROVIDERS) {
    const plain = benchReceiver(provider);
    if (plain) routes.push({ path: `/wearhook/${provider}`, ...plain });
    if (!config.stores) continue;
    for (const kind of ['memory', 'sqlite'] as StoreKind[]) {
      const handle = await openStore(kind);
      stores.push(handle);
      // worker: false: only the path to the acknowledgement is timed, and no backlog of dispatching
      // spills over into the next run. The subjects say so in their labels: this is not the
      // configuration users run (inbox-throughput.ts measures that, worker on).
      const stored = benchReceiver(provider, { store: handle.store, worker: false });
      if (stored) routes.push({ path: `/wearhook/${provider}/${kind}`, ...stored });
    }
  }
}

function bareServer(): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      Buffer.concat(chunks);
      res.writeHead(204);
      res.end();
    });
  });
}

function expressServer(): Server {
  const app = express();
  app.post('/baseline', express.json({ limit: '16mb' }), (_req, res) => {
    res.status(204).end();
  });
  for (const route of routes) app.post(route.path, expressMiddleware(route.receiver));
  return createServer(app);
}

function koaServer(): Server {
  const app = new Koa();
  const router = new Router();
  router.post('/baseline', bodyParser({ jsonLimit: '16mb' }), (ctx) => {
    ctx.status = 204;
  });
  for (const route of routes) router.post(route.path, koaMiddleware(route.receiver));
  app.use(router.routes());
  return createServer(app.callback());
}

await buildRoutes();
const server = config.framework === 'bare' ? bareServer() : config.framework === 'express' ? expressServer() : koaServer();
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') {
    process.send?.({ type: 'stats', routes: Object.fromEntries(routes.map((route) => [route.path, route.counts])) });
  }
});

async function shutdown(): Promise<void> {
  server.closeAllConnections();
  server.close();
  for (const route of routes) await closeReceiver(route.receiver).catch(() => undefined);
  for (const store of stores) await store.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());

process.send?.({ type: 'ready', port, routes: routes.map((route) => route.path) });
