import { request as httpRequest, type Server } from 'node:http';
import * as zlib from 'node:zlib';
import { createThryveReceiver } from '@wearhook/core';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRaw } from './support/send-raw.js';
import { FRAMEWORKS, close, urlOf, type Framework, type ParserSetup } from './support/servers.js';
import { EPOCH_CREATE, THRYVE_SECRET, signedThryveBytes, thryveDelivery } from './support/thryve-delivery.js';

// Issue 11, "Raw bodies users already keep": what wearhook does with what a body parser mounted in
// front of it left behind, in every framework major, over real HTTP.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function serve(framework: Framework, parser: ParserSetup) {
  const receiver = createThryveReceiver({ secret: THRYVE_SECRET });
  const types: string[] = [];
  receiver.onAny((event) => void types.push(event.type));
  const server = await framework.serve(receiver as never, parser);
  servers.push(server);
  const post = (body: Buffer, headers: Record<string, string>) => sendRaw(request(urlOf(server)).post(''), body, headers);
  return { post, types };
}

function errorOf(response: request.Response): { code: string; message: string } {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return (JSON.parse(response.text) as { error: { code: string; message: string } }).error;
}

const EXPRESS = FRAMEWORKS.filter((f) => f.parsers.includes('raw'));
const hasNodeZstd = typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function';

describe.each(EXPRESS)('express.raw() in front of wearhook in $name', (framework) => {
  it('uses the Buffer in req.body as the bytes as received, for an uncompressed delivery', async () => {
    const { post, types } = await serve(framework, 'raw');
    const delivery = thryveDelivery(EPOCH_CREATE, { compress: false });
    expect((await post(delivery.body, delivery.headers)).status).toBe(204);
    expect(types).toEqual(['event.data.epoch.create']);
  });

  it('refuses a gzip delivery that body-parser inflated, saying why and which mount order works', async () => {
    const { post, types } = await serve(framework, 'raw');
    const wire = zlib.gzipSync(Buffer.from(JSON.stringify(EPOCH_CREATE)));
    const delivery = signedThryveBytes(wire, 'gzip');
    const response = await post(delivery.body, delivery.headers);
    expect(response.status).toBe(500);
    const error = errorOf(response);
    expect(error.code).toBe('body_already_consumed');
    expect(error.message).toContain('req.body is a Buffer of');
    expect(error.message).toContain('Content-Encoding: gzip');
    expect(error.message).toMatch(/mounted before any body parser/);
    expect(types).toEqual([]);
  });

  it("cannot take Thryve's zstd: body-parser answers 415 itself, or inflates it and wearhook explains", async () => {
    const { post, types } = await serve(framework, 'raw');
    const delivery = thryveDelivery(EPOCH_CREATE);
    const response = await post(delivery.body, delivery.headers);
    // body-parser 2 (Express 5) inflates zstd where Node has it (22.15+); body-parser 1 never does.
    if (framework.name === 'express 5' && hasNodeZstd) {
      expect(response.status).toBe(500);
      expect(errorOf(response).message).toContain('Content-Encoding: zstd');
    } else {
      expect(response.status).toBe(415);
      expect(response.text).toMatch(/unsupported content encoding/i);
    }
    expect(types).toEqual([]);
  });
});

/** POSTs `body` with Transfer-Encoding: chunked (no Content-Length); resolves with the status and the text. */
function postChunked(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(EXPRESS)('express.json({ verify }) keeping req.rawBody in $name', (framework) => {
  it('refuses a chunked gzip delivery whose req.rawBody body-parser inflated, rather than failing its signature', async () => {
    const receiver = createThryveReceiver({ secret: THRYVE_SECRET });
    const server = await framework.serve(receiver as never, 'json-raw');
    servers.push(server);
    const delivery = signedThryveBytes(zlib.gzipSync(Buffer.from(JSON.stringify(EPOCH_CREATE))), 'gzip');
    const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
    const response = await postChunked(urlOf(server), delivery.body, headers);
    expect(response.status, response.text).toBe(500);
    const { error } = JSON.parse(response.text) as { error: { code: string; message: string } };
    expect(error.code).toBe('body_already_consumed');
    expect(error.message).toContain('req.rawBody was captured by a body parser');
    expect(error.message).toContain('Content-Encoding: gzip');
  });
});

describe.each(FRAMEWORKS.filter((f) => f.parsers.includes('form')))('global parsers in front of wearhook in $name', (framework) => {
  it('does not count as one that did: a global form parser leaves a zstd JSON delivery to wearhook', async () => {
    const { post, types } = await serve(framework, 'form');
    const delivery = thryveDelivery(EPOCH_CREATE);
    expect((await post(delivery.body, delivery.headers)).status).toBe(204);
    expect(types).toEqual(['event.data.epoch.create']);
  });

  it('says what it found when nothing usable was kept', async () => {
    const { post } = await serve(framework, 'json');
    const delivery = thryveDelivery(EPOCH_CREATE, { compress: false });
    const response = await post(delivery.body, delivery.headers);
    expect(response.status).toBe(500);
    const error = errorOf(response);
    expect(error.code).toBe('body_already_consumed');
    const bodyName = framework.name.startsWith('express') ? 'req.body' : 'ctx.request.body';
    const rawName = framework.name.startsWith('express') ? 'req.rawBody' : 'ctx.request.rawBody';
    expect(error.message).toContain(`${bodyName} is a parsed object`);
    expect(error.message).toContain(`${rawName} is absent`);
  });
});

describe.each(FRAMEWORKS.filter((f) => f.name.startsWith('koa')))("Koa's ctx.request.rawBody string in $name", (framework) => {
  it('is used when it is byte-exact UTF-8, including non-ASCII text', async () => {
    const { post, types } = await serve(framework, 'json-raw');
    const delivery = thryveDelivery({ ...EPOCH_CREATE, endUserAlias: 'Zoë 🏃 Müller' }, { compress: false });
    expect((await post(delivery.body, delivery.headers)).status).toBe(204);
    expect(types).toEqual(['event.data.epoch.create']);
  });

  it('is refused when a byte-order mark was stripped by the decoder', async () => {
    const { post, types } = await serve(framework, 'json-raw');
    const json = Buffer.from(JSON.stringify(EPOCH_CREATE));
    const delivery = signedThryveBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]));
    const response = await post(delivery.body, delivery.headers);
    expect(response.status).toBe(500);
    expect(errorOf(response).message).toMatch(/ctx\.request\.rawBody is a string, but it is \d+ bytes as UTF-8 while Content-Length is \d+/);
    expect(types).toEqual([]);
  });

  it('is refused when the parser inflated a gzip body', async () => {
    const { post } = await serve(framework, 'json-raw');
    const delivery = signedThryveBytes(zlib.gzipSync(Buffer.from(JSON.stringify(EPOCH_CREATE))), 'gzip');
    const response = await post(delivery.body, delivery.headers);
    expect(response.status).toBe(500);
    expect(errorOf(response).message).toContain('Content-Encoding: gzip');
  });
});
