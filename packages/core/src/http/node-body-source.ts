import type { IncomingMessage } from 'node:http';
import type { BodySource } from './webhook-request.js';

/** What a framework's body parser may have left on the request. */
export interface ParserTraces {
  /** The parsed body (`req.body`, `ctx.request.body`); `undefined` when no parser ran. */
  readonly parsedBody: unknown;
  /** Raw bytes a parser or the user kept (`req.rawBody`, `ctx.request.rawBody`). */
  readonly rawBody: unknown;
  /** How to name the parser in the error, e.g. `express.json()`. */
  readonly parserName: string;
}

/**
 * Decides where the body comes from for a Node request. Shared by the Express and Koa adapters so
 * both treat an already-parsed request the same way: use kept raw bytes, else refuse at once (reading
 * a consumed stream would hang until the timeout).
 */
export function nodeBodySource(request: IncomingMessage, traces: ParserTraces): BodySource {
  const consumed =
    traces.parsedBody !== undefined || request.readableEnded || (request as IncomingMessage & { _body?: unknown })._body === true;
  if (!consumed) return { kind: 'stream', stream: request };
  const raw = traces.rawBody;
  if (Buffer.isBuffer(raw)) return { kind: 'buffer', buffer: raw };
  // Koa's body parsers keep the raw body as a string; for JSON (UTF-8) the round trip is exact.
  if (typeof raw === 'string') return { kind: 'buffer', buffer: Buffer.from(raw, 'utf8') };
  return { kind: 'consumed', parser: traces.parserName };
}
