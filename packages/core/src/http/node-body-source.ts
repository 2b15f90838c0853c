import type { IncomingMessage } from 'node:http';
import { headerValue, type BodySource, type IncomingHeaders } from './webhook-request.js';

/** What a framework's body parser may have left on the request. */
export interface ParserTraces {
  /** The parsed body (`req.body`, `ctx.request.body`); `undefined` when no parser ran. */
  readonly parsedBody: unknown;
  /** Raw bytes a parser or the user kept (`req.rawBody`, `ctx.request.rawBody`). */
  readonly rawBody: unknown;
  /** How to name the parser in the error, e.g. `express.json()`. */
  readonly parserName: string;
  /** Where `parsedBody` lives, for the error: `req.body`, `ctx.request.body`. */
  readonly parsedBodyName: string;
  /** Where `rawBody` lives, for the error: `req.rawBody`, `ctx.request.rawBody`. */
  readonly rawBodyName: string;
}

/**
 * Decides where the body comes from for a Node request. Shared by the Express and Koa adapters so
 * both treat an already-read request the same way.
 *
 * Whether a parser consumed the body is decided from the stream, not from `req.body`: Express 4's
 * parsers set `req.body = {}` for a request whose type they do not handle, without reading a byte.
 * When the stream was read, the bytes as received are taken from what the parser kept, where that is
 * provably those bytes; otherwise the source is `consumed`, with what was found and why it cannot be
 * used (reading a consumed stream would hang until the timeout).
 */
export function nodeBodySource(request: IncomingMessage, traces: ParserTraces): BodySource {
  if (!streamWasRead(request)) return { kind: 'stream', stream: request };
  const { headers } = request;
  const { rawBody, parsedBody } = traces;
  // A Buffer someone captured on purpose (a `verify` hook, their own middleware): readBody checks its
  // length against Content-Length, which catches bytes captured after decompression. Without a
  // Content-Length (a chunked request) that check cannot run, but a parser having read and parsed a
  // request with a Content-Encoding says enough: its `verify` hook saw the bytes after it inflated them.
  if (Buffer.isBuffer(rawBody)) {
    const encoding = encodingOf(headers);
    const parsed = readByBodyParser(request) || (typeof parsedBody === 'object' && parsedBody !== null && !Buffer.isBuffer(parsedBody));
    if (encoding !== undefined && parsed) {
      return consumed(traces, `${traces.rawBodyName} was captured by a body parser from a request with Content-Encoding: ${encoding.slice(0, 40)}: ${DECOMPRESSED}`);
    }
    return { kind: 'buffer', buffer: rawBody };
  }
  if (typeof rawBody === 'string') {
    const problem = stringProblem(rawBody, headers);
    if (problem === undefined) return { kind: 'buffer', buffer: Buffer.from(rawBody, 'utf8') };
    return consumed(traces, `${traces.rawBodyName} is a string, but ${problem}`);
  }
  if (Buffer.isBuffer(parsedBody)) {
    const problem = rawParserProblem(parsedBody, headers);
    if (problem === undefined) return { kind: 'buffer', buffer: parsedBody };
    return consumed(traces, `${traces.parsedBodyName} is a Buffer of ${parsedBody.length} bytes, but ${problem}`);
  }
  return consumed(traces, `${describeParsed(traces)}, and ${traces.rawBodyName} is ${rawBody === undefined ? 'absent' : `a ${typeof rawBody}, not the bytes`}`);
}

/** True once anything has taken data from the stream (or it has ended), so its start is gone. */
function streamWasRead(request: IncomingMessage): boolean {
  // readableDidRead covers every reader; body-parser's own flag covers it too.
  return request.readableEnded || request.readableDidRead || readByBodyParser(request);
}

/** `_body` is body-parser's (Express's parsers') flag for "I read this request". */
function readByBodyParser(request: IncomingMessage): boolean {
  return (request as IncomingMessage & { _body?: unknown })._body === true;
}

function consumed(traces: ParserTraces, found: string): BodySource {
  return { kind: 'consumed', parser: traces.parserName, found };
}

/** A Content-Encoding other than identity, lower-cased; `undefined` for none. */
function encodingOf(headers: IncomingHeaders): string | undefined {
  const value = headerValue(headers, 'content-encoding')?.toLowerCase();
  return value === undefined || value === 'identity' ? undefined : value;
}

function declaredLength(headers: IncomingHeaders): number | undefined {
  const value = headerValue(headers, 'content-length');
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

const DECOMPRESSED =
  'body parsers undo Content-Encoding before handing the bytes on (gzip, deflate and br; zstd on Node 22.15+, ' +
  'while older Node answers 415 to zstd before wearhook runs), so these are not the bytes the signature covers. ' +
  "Compressed deliveries, such as Thryve's zstd data push, need the webhook route mounted before any body parser";

/** Why a Buffer from `express.raw()` is not the body as received; `undefined` when it is. */
function rawParserProblem(buffer: Buffer, headers: IncomingHeaders): string | undefined {
  const encoding = encodingOf(headers);
  if (encoding !== undefined) return `the request has Content-Encoding: ${encoding.slice(0, 40)}: ${DECOMPRESSED}`;
  const declared = declaredLength(headers);
  if (declared !== undefined && declared !== buffer.length) {
    return `Content-Length is ${declared}, so it is not the body as received`;
  }
  return undefined;
}

/**
 * Why a string raw body (Koa's parsers keep `ctx.request.rawBody` as text) does not give back the bytes
 * as received; `undefined` when its UTF-8 encoding provably does.
 */
function stringProblem(text: string, headers: IncomingHeaders): string | undefined {
  const encoding = encodingOf(headers);
  if (encoding !== undefined) return `the request has Content-Encoding: ${encoding.slice(0, 40)}: ${DECOMPRESSED}`;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headerValue(headers, 'content-type') ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return `it was decoded as ${charset.slice(0, 40)}, and only UTF-8 text gives back the bytes as received`;
  }
  // U+FFFD is what a decoder puts in place of bytes that were not UTF-8: the original bytes are lost.
  if (text.includes('\uFFFD')) return 'it contains U+FFFD, so bytes that were not UTF-8 may have been replaced';
  const declared = declaredLength(headers);
  if (declared === undefined) return 'the request has no Content-Length to check it against';
  const length = Buffer.byteLength(text, 'utf8');
  // A byte-order mark stripped by the decoder also shows up here.
  if (length !== declared) return `it is ${length} bytes as UTF-8 while Content-Length is ${declared}`;
  return undefined;
}

function describeParsed(traces: ParserTraces): string {
  const { parsedBody, parsedBodyName } = traces;
  if (parsedBody === undefined) return `the stream was read, ${parsedBodyName} is absent`;
  if (typeof parsedBody === 'string') return `${parsedBodyName} is a string (a text parser decoded the bytes)`;
  if (typeof parsedBody === 'object' && parsedBody !== null) {
    return `${parsedBodyName} is a parsed object (the JSON was parsed and its bytes discarded)`;
  }
  return `${parsedBodyName} is a ${typeof parsedBody}`;
}
