/**
 * Handlers ran longer than `handlerTimeoutMs` (without a store) or `worker.handlerTimeoutMs` (a stored
 * delivery's attempt): what `onError` receives. They go on running; JavaScript cannot stop them.
 */
export class HandlerTimeoutError extends Error {
  override name = 'HandlerTimeoutError';
}

/**
 * Runs `run`, rejecting with `HandlerTimeoutError` after `ms` (the run itself goes on: JavaScript
 * cannot stop it).
 */
export function withTimeout<T>(run: () => Promise<T>, ms: number, consequence = 'the attempt counts as failed'): Promise<T> {
  let running: Promise<T>;
  try {
    running = run();
  } catch (error) {
    return Promise.reject(error);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(`The handlers did not finish within ${ms} ms; ${consequence}.`)), ms);
    // Not every runtime's timer has unref (a number in Workers and browsers).
    (timer as { unref?: () => void }).unref?.();
  });
  return Promise.race([running, timedOut]).finally(() => clearTimeout(timer));
}
