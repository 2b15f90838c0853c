import { request } from 'node:http';

export interface LargeResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Body bytes written before the answer came (or all of them). */
  readonly written: number;
  /** ms from the first byte sent to the answer's status line. */
  readonly answeredAfterMs: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x7b);

/**
 * POSTs `totalBytes` of body in 64 KiB chunks (with `Content-Length`, or chunked when `chunked`), and
 * stops writing as soon as an answer arrives: what a sender sees when the server refuses early. Never
 * rejects: a connection error is status 0.
 */
export function sendLarge(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
  options: { chunked?: boolean; timeoutMs?: number; stallAfterBytes?: number } = {},
): Promise<LargeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let written = 0;
    let answered = false;
    let answeredAfterMs = 0;
    const finish = (result: Omit<LargeResult, 'written' | 'answeredAfterMs'>) => resolve({ ...result, written, answeredAfterMs });
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: options.chunked ? { ...headers, 'transfer-encoding': 'chunked' } : { ...headers, 'content-length': String(totalBytes) },
      },
      (res) => {
        answered = true;
        answeredAfterMs = Date.now() - started;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          finish({ status: res.statusCode ?? 0, headers: res.headers, body: text });
          req.destroy();
        });
        res.on('error', () => finish({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => {
      if (!answered) finish({ status: 0, headers: {}, body: error.message });
    });
    const pump = (): void => {
      while (!answered && written < totalBytes) {
        if (options.stallAfterBytes !== undefined && written >= options.stallAfterBytes) return;
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, totalBytes - written));
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered && written >= totalBytes) req.end();
    };
    req.flushHeaders();
    pump();
  });
}
