import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/body/read-body.js';
import { nodeBodySource, DEFAULT_BODY_LIMITS, type BodySource, type IncomingHeaders } from '../../src/index.js';

// The cases a real parser rarely produces over HTTP; the common ones run through every framework in
// test/raw-bodies-http.test.ts.

const NAMES = { parserName: 'a body parser', parsedBodyName: 'req.body', rawBodyName: 'req.rawBody' } as const;

/** A request whose stream was read to the end by a parser, with these headers. */
function readRequest(headers: IncomingHeaders): IncomingMessage {
  const stream = new Readable({ read() {} });
  stream.push(Buffer.from('{}'));
  stream.push(null);
  stream.read();
  expect(stream.readableDidRead).toBe(true);
  return Object.assign(stream, { headers }) as unknown as IncomingMessage;
}

function found(source: BodySource): string {
  expect(source.kind).toBe('consumed');
  return (source as { found: string }).found;
}

const json = Buffer.from('{"type":"sleep","name":"Zoë"}');
const headers = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'content-length': String(json.length), ...extra });

describe('nodeBodySource', () => {
  it('streams a request nobody read, whatever req.body says', () => {
    const request = Object.assign(Readable.from([json]), { headers: headers() }) as unknown as IncomingMessage;
    expect(nodeBodySource(request, { ...NAMES, parsedBody: {}, rawBody: undefined }).kind).toBe('stream');
  });

  it('takes an express.raw() Buffer only with identity encoding and a matching Content-Length', () => {
    expect(nodeBodySource(readRequest(headers()), { ...NAMES, parsedBody: json, rawBody: undefined })).toEqual({ kind: 'buffer', buffer: json });
    expect(nodeBodySource(readRequest(headers({ 'content-encoding': 'identity' })), { ...NAMES, parsedBody: json, rawBody: undefined }).kind).toBe('buffer');
    expect(found(nodeBodySource(readRequest(headers({ 'content-length': '999' })), { ...NAMES, parsedBody: json, rawBody: undefined }))).toBe(
      `req.body is a Buffer of ${json.length} bytes, but Content-Length is 999, so it is not the body as received`,
    );
    expect(found(nodeBodySource(readRequest(headers({ 'content-encoding': 'br' })), { ...NAMES, parsedBody: json, rawBody: undefined }))).toContain(
      'Content-Encoding: br',
    );
  });

  it('takes a rawBody string only where its UTF-8 bytes are provably the bytes received', () => {
    const text = json.toString('utf8');
    expect(nodeBodySource(readRequest(headers()), { ...NAMES, parsedBody: {}, rawBody: text })).toEqual({ kind: 'buffer', buffer: json });
    const latin1 = nodeBodySource(readRequest(headers({ 'content-type': 'application/json; charset=iso-8859-1' })), { ...NAMES, parsedBody: {}, rawBody: text });
    expect(found(latin1)).toContain('decoded as iso-8859-1');
    const replaced = nodeBodySource(readRequest(headers()), { ...NAMES, parsedBody: {}, rawBody: text.replace('ë', '\uFFFD') });
    expect(found(replaced)).toContain('U+FFFD');
    const chunked = nodeBodySource(readRequest({ 'content-type': 'application/json' }), { ...NAMES, parsedBody: {}, rawBody: text });
    expect(found(chunked)).toContain('no Content-Length');
  });

  it('describes what it found when nothing is usable, and readBody puts that in the error', async () => {
    const source = nodeBodySource(readRequest(headers()), { ...NAMES, parsedBody: 'text', rawBody: 42 });
    expect(found(source)).toBe('req.body is a string (a text parser decoded the bytes), and req.rawBody is a number, not the bytes');
    const error = (await readBody(source, headers(), DEFAULT_BODY_LIMITS).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(error.code).toBe('body_already_consumed');
    expect(error.message).toContain('req.rawBody is a number');
    expect(error.message).toContain('Mount the webhook route before any body parser');
  });
});
