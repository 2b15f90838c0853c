// The baselines of the end-to-end inbox benchmark, as one Express 5 app like the example app:
//   POST /json        express.json() on the delivery, then 204: what "as fast as express.json" means.
//   POST /handwritten what wearhook does without a store, written by hand: express.raw, the Standard
//                     Webhooks (Svix) HMAC checked against the svix-* headers with a 5-minute tolerance,
//                     JSON.parse, the same validation as core with ajv (core's gate for the event type,
//                     then Vital's published schema for the type, compiled by ajv with allErrors on the
//                     type's first delivery and kept, as a user would write it), one JSON line on stdout
//                     per handled event (the example's contract, printed by the example's own
//                     `printEvent`: the lines of one event-loop turn in one write, the 204 once its line
//                     is out), 204.
// `children/inbox-baselines.ts` serves it on PORT, with VITAL_WEBHOOK_SECRET as the example app takes it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import express from 'express';
import { printEvent, type PrintedEvent } from '../../examples/express-app/src/event-lines.js';
import { vitalEventSchemas, vitalProvider, vitalSharedSchemas } from './core-internals.js';

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false, inlineRefs: false });
for (const schema of vitalSharedSchemas) ajv.addSchema(schema);
const conformance = new Map<string, ValidateFunction>();
function conformanceOf(type: string): ValidateFunction | undefined {
  let validate = conformance.get(type);
  if (validate === undefined && Object.hasOwn(vitalEventSchemas, type)) {
    validate = ajv.compile(vitalEventSchemas[type as keyof typeof vitalEventSchemas]);
    conformance.set(type, validate);
  }
  return validate;
}

const TOLERANCE_SECONDS = 300;

function verified(key: Buffer, id: string | undefined, timestamp: string | undefined, signatures: string | undefined, body: Buffer): boolean {
  if (id === undefined || timestamp === undefined || signatures === undefined) return false;
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(Date.now() / 1000 - seconds) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  for (const part of signatures.split(' ')) {
    if (!part.startsWith('v1,')) continue;
    const given = Buffer.from(part.slice(3), 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return false;
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export interface InboxBaselinesOptions {
  /** Vital's webhook secret (`whsec_…`), as the example app takes it. */
  readonly vitalSecret: string;
  /** Prints a handled event; default the example's `printEvent` (stdout, which the bench reads). */
  readonly printEvent?: (event: PrintedEvent) => Promise<void>;
}

/** The baselines as one Express app (see the top of this file). */
export function createInboxBaselines(options: InboxBaselinesOptions): express.Express {
  const secretText = options.vitalSecret;
  const key = Buffer.from(secretText.startsWith('whsec_') ? secretText.slice(6) : secretText, 'base64');
  const print = options.printEvent ?? printEvent;
  const app = express();
  app.post('/json', express.json({ limit: '16mb' }), (_req, res) => {
    res.status(204).end();
  });
  app.post('/handwritten', express.raw({ type: 'application/json', limit: '16mb' }), (req, res, next) => {
    const body = req.body as Buffer;
    const id = header(req.headers['svix-id']);
    if (!Buffer.isBuffer(body) || !verified(key, id, header(req.headers['svix-timestamp']), header(req.headers['svix-signature']), body)) {
      res.status(401).end();
      return;
    }
    let payload: { event_type?: unknown };
    try {
      payload = JSON.parse(body.toString('utf8')) as { event_type?: unknown };
    } catch {
      res.status(400).end();
      return;
    }
    const type = typeof payload.event_type === 'string' ? payload.event_type : '';
    const conforms = conformanceOf(type);
    if (conforms === undefined || vitalProvider.validator.gate(type, payload) !== undefined) {
      res.status(422).end();
      return;
    }
    // Drift is advisory, as in core: its errors are read, not answered.
    if (!conforms(payload)) void conforms.errors;
    print({ provider: 'vital', type, deliveryKey: `vital:${id}` }).then(() => res.status(204).end(), next);
  });
  return app;
}

