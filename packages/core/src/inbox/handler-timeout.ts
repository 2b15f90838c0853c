/** A dispatch ran longer than `handlerTimeoutMs`. */
export class HandlerTimeoutError extends Error {
  override name = 'HandlerTimeoutError';
}

/** Runs `run`, rejecting with `HandlerTimeoutError` after `ms` (the run itself goes on). */
export function withTimeout(run: () => Promise<void>, ms: number): Promise<void> {
  let running: Promise<void>;
  try {
    running = run();
  } catch (error) {
    return Promise.reject(error);
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(`The handlers did not finish within ${ms} ms; the attempt counts as failed.`)), ms);
    timer.unref();
  });
  return Promise.race([running, timedOut]).finally(() => clearTimeout(timer));
}
