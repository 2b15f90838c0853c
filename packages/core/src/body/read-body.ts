import type { Readable } from 'node:stream';
import type getRawBodyFunction from 'raw-body';
import { WebhookError } from '../errors/webhook-error.js';
import { headerValue, type BodySource, type IncomingHeaders } from '../http/webhook-request.js';
import { overBudget, SHARED_BODY_BUDGET } from './body-budget.js';
import { wireTooLarge } from './body-errors.js';
import type { BodyLimits } from './limits.js';

const KEEP_RAW_BYTES =
  'Mount the webhook route before any body parser (for example before app.use(express.json())), or keep ' +
  'the raw bytes exactly as received, still compressed, as a Buffer (req.rawBody; or req.body from ' +
  'express.raw() for deliveries that are not compressed).';

/**
 * The body's bytes exactly as received (still compressed), within `limits.maxWireBytes` and
 * `limits.bodyTimeoutMs`.
 * - `stream`: read with those limits. A `Content-Length` above the limit is refused before reading; on
 *   timeout the stream is destroyed, so nothing keeps reading. A stream that has already ended, is
 *   already being read, or is no longer readable is refused at once rather than waited on.
 * - `buffer`: returned as it is, after the wire limit and a check that it matches `Content-Length`.
 * - `consumed`: refused at once.
 *
 * Streamed bytes count against `limits.bodyBudget` (default `SHARED_BODY_BUDGET`) while they are read.
 *
 * Throws `WebhookError`: 503 `too_many_bytes_in_flight`, 413 `body_too_large`, 408 `body_timeout`, 400 `body_incomplete` (the sender
 * went away or sent fewer bytes than `Content-Length`), 500 `body_already_consumed` (a setup error; the
 * message says how to mount the middleware).
 */
export async function readBody(source: BodySource, headers: IncomingHeaders, limits: BodyLimits): Promise<Buffer> {
  switch (source.kind) {
    case 'consumed':
      throw new WebhookError(
        'body_already_consumed',
        source.found === undefined
          ? `The request body was already consumed by ${source.parser} and no raw bytes were kept, so the ` +
              `delivery cannot be verified. ${KEEP_RAW_BYTES}`
          : `The request body was already read by ${source.parser}, and nothing it left is the bytes as received: ` +
              `${source.found}. The delivery cannot be verified. ${KEEP_RAW_BYTES}`,
      );
    case 'buffer':
      return checkCapturedBuffer(source.buffer, headers, limits);
    case 'stream':
      return readStream(source.stream, headers, limits);
  }
}

function checkCapturedBuffer(buffer: Buffer, headers: IncomingHeaders, limits: BodyLimits): Buffer {
  const declared = contentLength(headers);
  if (buffer.length > limits.maxWireBytes) throw wireTooLarge(limits.maxWireBytes, undefined, buffer.length);
  // Typically a body parser's verify hook, which sees the body after decompression: verifying those bytes
  // against a signature over the wire bytes would fail with a misleading 401.
  if (declared !== undefined && declared !== buffer.length) {
    throw new WebhookError(
      'body_already_consumed',
      `The captured raw body has ${buffer.length} bytes but Content-Length is ${declared}, so it is not ` +
        `the body as received (perhaps captured after decompression). ${KEEP_RAW_BYTES}`,
    );
  }
  return buffer;
}

type GetRawBody = typeof getRawBodyFunction;

let rawBody: Promise<GetRawBody> | undefined;

/**
 * raw-body, imported by the first streamed body rather than at start-up: its dependencies (http-errors,
 * iconv-lite) take 15–30 ms to load, and applications whose framework hands wearhook the buffered body
 * never need it. A plain `import()` of the package name, so bundlers include it (a `createRequire`
 * would make bundled apps fail on every streamed delivery). While it loads, `readStream` listens for
 * the stream's 'error' and 'close' itself, so the stream is never left without a listener.
 */
function loadRawBody(): Promise<GetRawBody> {
  rawBody ??= import('raw-body').then(
    (module) => module.default,
    (error: unknown) => {
      rawBody = undefined; // not cached, so a later delivery can try again
      throw error;
    },
  );
  return rawBody;
}

function readStream(stream: Readable, headers: IncomingHeaders, limits: BodyLimits): Promise<Buffer> {
  const unusable = unusableStream(stream);
  if (unusable) return Promise.reject(unusable);
  const declared = contentLength(headers);
  if (declared !== undefined && declared > limits.maxWireBytes) {
    return Promise.reject(wireTooLarge(limits.maxWireBytes, declared));
  }
  // Reserved before anything is buffered: by the declared length, else chunk by chunk (see onData).
  const budget = limits.bodyBudget ?? SHARED_BODY_BUDGET;
  if (declared !== undefined && !budget.tryReserve(declared)) return Promise.reject(overBudget(budget));
  let reserved = declared ?? 0;

  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const settle = (error: WebhookError | undefined, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.off('close', onClose);
      // Refused (timeout, budget, sender gone): the stream is paused or finished, so nothing more is
      // buffered, and once the answer is written Node discards the rest of the body. What raw-body
      // holds is garbage from then on. Node emits no 'close' on a request abandoned mid-body, so
      // waiting for one would leak the reservation.
      if (error) release();
      if (error) reject(error);
      else resolve(body ?? Buffer.alloc(0));
    };
    // The bytes stay reserved while they may be buffered: until raw-body finishes, the stream closes or
    // the read is refused, whichever comes first, on every path.
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      budget.release(reserved);
      stream.off('data', onData);
      stream.off('close', release);
    };
    const onData = (chunk: Buffer): void => {
      if (declared !== undefined || released) return;
      if (budget.tryReserve(chunk.length)) {
        reserved += chunk.length;
        return;
      }
      settle(overBudget(budget));
      // As on timeout: not destroyed, so the 503 is written; it carries `Connection: close`.
      stream.unpipe();
      stream.pause();
    };
    const timer = setTimeout(() => {
      settle(
        new WebhookError(
          'body_timeout',
          `The request body did not arrive completely within limits.bodyTimeoutMs (${limits.bodyTimeoutMs} ms), ` +
            'If the sender is legitimately this slow, raise limits.bodyTimeoutMs.',
        ),
      );
      // Not destroyed: the sender should get its 408. The error response carries `Connection: close`,
      // so the HTTP server closes the socket as soon as the answer is written.
      stream.unpipe();
      stream.pause();
    }, limits.bodyTimeoutMs);
    // raw-body ignores a bare 'close' (a destroyed stream without an error), which would otherwise wait
    // for the timeout.
    const onClose = (): void => {
      if (!stream.readableEnded) settle(incomplete('The sender closed the connection before the body was complete.'));
    };
    stream.on('close', onClose);
    stream.on('close', release);
    // Listening from now on, including while raw-body loads: an 'error' without a listener would crash
    // the process. Left attached: the stream may still emit the error of a destroy() after we settle.
    stream.on('error', (error: unknown) => settle(incomplete('The sender closed the connection before the body was complete.', error)));
    loadRawBody().then(
      (getRawBody) => {
        if (settled) return;
        if (stream.destroyed) {
          settle(incomplete('The sender closed the connection before the body was complete.'));
          return;
        }
        getRawBody(stream, { limit: limits.maxWireBytes, length: declared ?? null }).then(
          (body) => {
            release();
            settle(undefined, body);
          },
          (error: unknown) => {
            release();
            settle(fromRawBodyError(error, limits));
          },
        );
        // After raw-body's listener, which has switched the stream to flowing mode; not before it, or
        // bytes would flow (and be lost) while raw-body loads.
        stream.on('data', onData);
      },
      (error: unknown) => {
        settle(new WebhookError('internal_error', 'raw-body, a dependency of @wearhook/core, could not be loaded.', { cause: error }));
      },
    );
  });
}

/** Why a stream cannot be read from the start any more, as an error; `undefined` when it can. */
function unusableStream(stream: Readable): WebhookError | undefined {
  let state: string | undefined;
  if (stream.readableEnded) state = 'has already been read to the end';
  else if (stream.destroyed && !stream.readableDidRead) {
    return incomplete('The sender closed the connection before the body was read.');
  } else if (stream.readable === false || stream.destroyed) state = 'is no longer readable';
  else if (stream.readableDidRead) state = 'has already been partly read';
  else if (stream.readableFlowing === true && stream.readableLength === 0) state = 'is already being read';
  if (state === undefined) return undefined;
  return new WebhookError(
    'body_already_consumed',
    `The request stream ${state} by something mounted before wearhook (usually a body parser), so the ` +
      `bytes as received are gone. ${KEEP_RAW_BYTES}`,
  );
}

function fromRawBodyError(error: unknown, limits: BodyLimits): WebhookError {
  const details = (error ?? {}) as { type?: unknown; received?: unknown; expected?: unknown };
  switch (details.type) {
    case 'entity.too.large':
      return wireTooLarge(limits.maxWireBytes, undefined, typeof details.received === 'number' ? details.received : undefined);
    case 'request.size.invalid':
      return incomplete(`Received ${String(details.received)} bytes but Content-Length is ${String(details.expected)}.`, error);
    case 'stream.encoding.set':
      return new WebhookError(
        'body_already_consumed',
        `Something called setEncoding() on the request stream, so it yields text instead of the raw bytes. ${KEEP_RAW_BYTES}`,
        { cause: error },
      );
    case 'stream.not.readable':
      return new WebhookError(
        'body_already_consumed',
        `The request stream is no longer readable. ${KEEP_RAW_BYTES}`,
        { cause: error },
      );
    default:
      // 'request.aborted' and stream errors such as ECONNRESET: the body will not arrive.
      return incomplete('The sender closed the connection before the body was complete.', error);
  }
}

function incomplete(message: string, cause?: unknown): WebhookError {
  return new WebhookError('body_incomplete', message, cause === undefined ? undefined : { cause });
}

/** A well-formed `Content-Length`, else `undefined` (Node's HTTP parser has already rejected bad ones). */
function contentLength(headers: IncomingHeaders): number | undefined {
  const value = headerValue(headers, 'content-length');
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}
