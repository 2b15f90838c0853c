import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVitalReceiver } from '@wearhook/core';
import { expressMiddleware } from '@wearhook/express';
import { vitalTestDelivery } from '@wearhook/core/testing';
import express4 from 'express4';
import express5 from 'express5';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRaw } from './support/send-raw.js';
import { close } from './support/servers.js';

// An app whose own middleware answers before wearhook does (connect-timeout and the like): wearhook's
// late response must not throw ERR_HTTP_HEADERS_SENT into an unhandled rejection, which ends the process.

const VITAL_SECRET = `whsec_${Buffer.from('express-answered-elsewhere').toString('base64')}`;

const servers: Server[] = [];
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => void unhandled.push(reason);
afterEach(async () => {
  process.off('unhandledRejection', recordUnhandled);
  unhandled.length = 0;
  await Promise.all(servers.splice(0).map(close));
});

describe.each([
  ['Express 4', express4 as unknown as typeof express5],
  ['Express 5', express5],
])('%s: another middleware answered before wearhook', (_name, express) => {
  it('gets that answer; wearhook writes nothing more, and nothing is left unhandled', async () => {
    process.on('unhandledRejection', recordUnhandled);
    const receiver = createVitalReceiver({ secret: VITAL_SECRET });
    const handled: string[] = [];
    const errors: string[] = [];
    receiver.onError(({ phase }) => void errors.push(phase));
    // No store: handlers run before the response, longer than the app's timeout below, and fail, so
    // wearhook's own answer is a 500 with headers of its own (setting them is what threw).
    receiver.onAny(async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      handled.push(event.deliveryKey);
      throw new Error('handler failed');
    });
    const app = express();
    app.use((_req, res, next) => {
      setTimeout(() => {
        if (!res.headersSent) res.status(503).type('text/plain').send('timed out');
      }, 30);
      next();
    });
    app.all('/webhook', expressMiddleware(receiver));
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    servers.push(server);

    const delivery = vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET, id: 'msg_answered_elsewhere' });
    const response = await sendRaw(request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).post('/webhook'), delivery.body, delivery.headers);
    expect(response.status).toBe(503);
    expect(response.text).toBe('timed out');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled).toEqual(['vital:msg_answered_elsewhere']);
    expect(errors).toContain('handler');
    expect(unhandled).toEqual([]);
  });
});
