import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerraS3FetchError, fetchTerraS3Payload } from '../../../src/providers/terra/fetch-s3-payload.js';
import { terraSamples } from '../../../src/providers/terra/samples.js';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

const payload = terraSamples.activity();
const payloadJson = JSON.stringify(payload);
/** Set by the streaming routes when the client went away before the body ended. */
const aborted = new Set<string>();

const routes: Record<string, Route> = {
  '/ok': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(payloadJson);
  },
  '/gzip': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(payloadJson));
  },
  '/expired': (_request, response) => {
    response.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
  },
  '/server-error': (_request, response) => {
    response.writeHead(500).end();
  },
  '/declared-large': (_request, response) => {
    response.writeHead(200, { 'content-length': String(10_000) }).end('x'.repeat(10_000));
  },
  // Chunked, no length: only counting while reading can stop it. It never ends by itself.
  '/endless': (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => response.write('x'.repeat(1024)), 1);
    response.on('close', () => {
      clearInterval(timer);
      if (!response.writableFinished) aborted.add(request.url ?? '');
    });
  },
  '/stall-headers': () => {
    // Never answers.
  },
  '/stall-body': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"type":');
  },
  '/not-json': (_request, response) => {
    response.writeHead(200).end('<html>');
  },
  '/empty': (_request, response) => {
    response.writeHead(200).end();
  },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const route = routes[new URL(request.url ?? '/', 'http://127.0.0.1').pathname];
    if (route === undefined) response.writeHead(404).end();
    else route(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

async function failure(promise: Promise<unknown>): Promise<TerraS3FetchError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TerraS3FetchError);
  return error as TerraS3FetchError;
}

describe('fetchTerraS3Payload', () => {
  it('downloads and parses the payload an S3 event points to', async () => {
    const event = { url: `${base}/ok?X-Amz-Signature=secret` };
    await expect(fetchTerraS3Payload(event, { maxBytes: 1_000_000, timeoutMs: 5_000 })).resolves.toEqual(payload);
    await expect(fetchTerraS3Payload(event)).resolves.toEqual(payload);
  });

  it('accepts a body exactly at the limit, and decodes a gzip response before counting', async () => {
    const exact = Buffer.byteLength(payloadJson);
    await expect(fetchTerraS3Payload({ url: `${base}/ok` }, { maxBytes: exact })).resolves.toEqual(payload);
    await expect(fetchTerraS3Payload({ url: `${base}/gzip` }, { maxBytes: exact })).resolves.toEqual(payload);
    const error = await failure(fetchTerraS3Payload({ url: `${base}/gzip` }, { maxBytes: exact - 1 }));
    expect(error.code).toBe('too_large');
  });

  it('fails with the status on a non-2xx answer, without the URL in the message', async () => {
    const expired = await failure(fetchTerraS3Payload({ url: `${base}/expired?X-Amz-Signature=secret` }));
    expect(expired).toMatchObject({ code: 'http_status', status: 403 });
    expect(expired.message).not.toContain('secret');
    expect(expired.message).not.toContain(base);
    expect(await failure(fetchTerraS3Payload({ url: `${base}/server-error` }))).toMatchObject({ code: 'http_status', status: 500 });
    expect(await failure(fetchTerraS3Payload({ url: `${base}/missing` }))).toMatchObject({ code: 'http_status', status: 404 });
  });

  it('refuses a declared length over the limit before reading', async () => {
    const error = await failure(fetchTerraS3Payload({ url: `${base}/declared-large` }, { maxBytes: 9_999 }));
    expect(error.code).toBe('too_large');
  });

  it('aborts a body that grows past the limit while it streams', async () => {
    const started = Date.now();
    const error = await failure(fetchTerraS3Payload({ url: `${base}/endless` }, { maxBytes: 64 * 1024, timeoutMs: 10_000 }));
    expect(error.code).toBe('too_large');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => aborted.has('/endless')).toBe(true);
  });

  it('times out when the server does not answer, or stops sending the body', async () => {
    for (const path of ['/stall-headers', '/stall-body']) {
      const started = Date.now();
      const error = await failure(fetchTerraS3Payload({ url: `${base}${path}` }, { timeoutMs: 200 }));
      expect(error.code, path).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  });

  it('reports a body that is not JSON', async () => {
    expect((await failure(fetchTerraS3Payload({ url: `${base}/not-json` }))).code).toBe('invalid_json');
    expect((await failure(fetchTerraS3Payload({ url: `${base}/empty` }))).code).toBe('invalid_json');
  });

  it('refuses URLs it should not fetch, and reports unreachable hosts', async () => {
    expect((await failure(fetchTerraS3Payload({ url: 'not a url' }))).code).toBe('invalid_url');
    expect((await failure(fetchTerraS3Payload({ url: 'file:///etc/passwd' }))).code).toBe('invalid_url');
    // A port nothing listens on: bind one, then close it.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');
    expect((await failure(fetchTerraS3Payload({ url: `http://127.0.0.1:${port}/x` }, { timeoutMs: 5_000 }))).code).toBe('network');
  });
});
