/**
 * Opt-in download of the data an `s3_payload` / `s3_upload` event points to. wearhook never calls this
 * itself: fetching is the application's decision (it costs time, memory and a request to AWS), and it
 * belongs in a handler or a job, not in the acknowledgement path.
 */

/** Limits of one download. */
export interface FetchTerraS3PayloadOptions {
  /**
   * The most bytes accepted, counted as the body is read (after any `Content-Encoding` the server
   * applied has been decoded): the download is aborted as soon as it goes over. Default 64 MiB.
   */
  readonly maxBytes?: number;
  /** Time allowed for the whole download, headers and body. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

/** Why a download failed. */
export type TerraS3FetchErrorCode = 'invalid_url' | 'http_status' | 'too_large' | 'timeout' | 'network' | 'invalid_json';

/**
 * A failed download. Messages never contain the URL: a pre-signed S3 URL is a credential until it
 * expires.
 */
export class TerraS3FetchError extends Error {
  override readonly name = 'TerraS3FetchError';

  constructor(
    readonly code: TerraS3FetchErrorCode,
    message: string,
    /** The HTTP status, for `http_status`. */
    readonly status?: number,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

export const TERRA_S3_DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const TERRA_S3_DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Downloads and parses the JSON an S3 event points to, with the global `fetch`. The result is Terra's
 * ordinary payload (`{ type, user, data, version }`) but unvalidated: pass it through
 * `terraProvider.eventTypeOf` and `terraProvider.validator` before trusting its shape.
 *
 * Throws `TerraS3FetchError`: `http_status` for a non-2xx answer (an expired URL gives 403),
 * `too_large` past `maxBytes`, `timeout` past `timeoutMs`, `network`, `invalid_url`, `invalid_json`.
 */
export async function fetchTerraS3Payload(event: { readonly url: string }, options: FetchTerraS3PayloadOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? TERRA_S3_DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? TERRA_S3_DEFAULT_TIMEOUT_MS;
  const url = parseUrl(event.url);
  const signal = AbortSignal.timeout(timeoutMs);

  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throw transportError(error, signal, timeoutMs);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new TerraS3FetchError('http_status', `Terra S3 payload download answered HTTP ${response.status}`, response.status);
  }
  const body = await readLimited(response, maxBytes, signal, timeoutMs);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch (error) {
    throw new TerraS3FetchError('invalid_json', 'Terra S3 payload is not valid UTF-8 JSON', undefined, { cause: error });
  }
}

function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new TerraS3FetchError('invalid_url', 'Terra S3 payload URL is not a valid URL', undefined, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TerraS3FetchError('invalid_url', `Terra S3 payload URL has unsupported protocol ${url.protocol}`);
  }
  return url;
}

async function readLimited(response: Response, maxBytes: number, signal: AbortSignal, timeoutMs: number): Promise<Uint8Array> {
  // A declared length is the encoded size; only without an encoding does it bound the decoded size.
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (response.headers.get('content-encoding') === null && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof TerraS3FetchError) throw error;
    throw transportError(error, signal, timeoutMs);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): TerraS3FetchError {
  return new TerraS3FetchError('too_large', `Terra S3 payload is larger than ${maxBytes} bytes`);
}

function transportError(error: unknown, signal: AbortSignal, timeoutMs: number): TerraS3FetchError {
  if (signal.aborted) {
    return new TerraS3FetchError('timeout', `Terra S3 payload download took longer than ${timeoutMs} ms`, undefined, { cause: error });
  }
  // undici puts the reason (DNS, refused connection, TLS) in `cause`; keep it, but not its URL-bearing message.
  return new TerraS3FetchError('network', 'Terra S3 payload download failed', undefined, { cause: error });
}
