import type { Readable } from 'node:stream';
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
 * - `stream`: read with those limits. A `Content-Length` above the limit is refused before reading; a
 *   refused read (timeout, size, budget) pauses the stream, so nothing more is buffered, and the answer
 *   closes the connection. A stream that has already ended, is
 *   already being read, or is no longer readable is refused at once rather than waited on.
 * - `buffer`: returned as it is, after the wire limit and a check that it matches `Content-Length`.
 * - `consumed`: refused at once.
 *
 * Streamed bytes count against `limits.bodyBudget` (default `SHARED_BODY_BUDGET`) while they are read.
 *
 * Throws `WebhookError`: 503 `too_many_bytes_in_flight`, 413 `body_too_large`, 408 `body_timeout`, 400 `body_incomplete` (the sender
 * went away, or sent fewer or more bytes than `Content-Length`), 500 `body_already_consumed` (a setup error; the
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

/**
 * Reads the stream to its end with the limits, and a reservation of the shared budget that is released
 * on every path. Written here rather than with raw-body: the pipeline needs only bytes (no charset
 * decoding), and raw-body's listeners, promise and its dependencies' load on the first streamed body
 * (15-30 ms) were a measurable part of a small delivery's cost.
 */
function readStream(stream: Readable, headers: IncomingHeaders, limits: BodyLimits): Promise<Buffer> {
  const unusable = unusableStream(stream);
  if (unusable) return Promise.reject(unusable);
  const declared = contentLength(headers);
  if (declared !== undefined && declared > limits.maxWireBytes) {
    return Promise.reject(wireTooLarge(limits.maxWireBytes, declared));
  }
  // Bytes are reserved as they arrive (see onData); a declared length is admitted against the room left
  // but holds none of it unless its bytes keep coming (see BodyBudget.admit).
  const budget = limits.bodyBudget ?? SHARED_BODY_BUDGET;
  const admitted = declared === undefined ? undefined : budget.admit(declared, limits.bodyTimeoutMs);
  if (declared !== undefined && admitted === undefined) return Promise.reject(overBudget(budget));
  let reserved = 0;

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (error: WebhookError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      // Read or refused, the bytes are no longer in flight here: what was read is the caller's now.
      budget.release(reserved);
      if (admitted !== undefined) budget.leave(admitted);
      if (error === undefined) {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
        return;
      }
      // Refused (timeout, size, budget, sender gone): paused, so nothing more is buffered; the answer
      // carries `Connection: close` and Node discards the rest of the body. Not destroyed, so the sender
      // gets its answer.
      stream.unpipe();
      stream.pause();
      reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      if (typeof chunk === 'string') {
        settle(encodingSet());
        return;
      }
      received += chunk.length;
      if (received > limits.maxWireBytes) {
        settle(wireTooLarge(limits.maxWireBytes, undefined, received));
        return;
      }
      if (declared !== undefined && received > declared) {
        settle(incomplete(`Received more than the ${declared} bytes Content-Length declares.`));
        return;
      }
      if (!budget.tryReserve(chunk.length)) {
        settle(overBudget(budget));
        return;
      }
      reserved += chunk.length;
      if (admitted !== undefined) admitted.received = received;
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (declared !== undefined && received !== declared) {
        settle(incomplete(`Received ${received} bytes but Content-Length is ${declared}.`));
      } else {
        settle(undefined);
      }
    };
    // A request abandoned mid-body emits 'close' (after 'aborted' and perhaps an 'error'), never 'end'.
    const onClose = (): void => {
      if (!stream.readableEnded) settle(incomplete('The sender closed the connection before the body was complete.'));
    };
    const timer = setTimeout(() => {
      settle(
        new WebhookError(
          'body_timeout',
          `The request body did not arrive completely within limits.bodyTimeoutMs (${limits.bodyTimeoutMs} ms). ` +
            'If the sender is legitimately this slow, raise limits.bodyTimeoutMs.',
        ),
      );
    }, limits.bodyTimeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onClose);
    // Left attached after settling: the stream may still emit the error of a destroy(), and an 'error'
    // without a listener would crash the process.
    stream.on('error', (error: unknown) => settle(incomplete('The sender closed the connection before the body was complete.', error)));
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
  if (state === undefined) return stream.readableEncoding === null ? undefined : encodingSet();
  return new WebhookError(
    'body_already_consumed',
    `The request stream ${state} by something mounted before wearhook (usually a body parser), so the ` +
      `bytes as received are gone. ${KEEP_RAW_BYTES}`,
  );
}

function encodingSet(): WebhookError {
  return new WebhookError(
    'body_already_consumed',
    `Something called setEncoding() on the request stream, so it yields text instead of the raw bytes. ${KEEP_RAW_BYTES}`,
  );
}

function incomplete(message: string, cause?: unknown): WebhookError {
  return new WebhookError('body_incomplete', message, cause === undefined ? undefined : { cause });
}

/** A well-formed `Content-Length`, else `undefined` (Node's HTTP parser has already rejected bad ones). */
function contentLength(headers: IncomingHeaders): number | undefined {
  const value = headerValue(headers, 'content-length');
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}
