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
  // One promise settled by whichever comes first, rather than Promise.race(...).finally(...): this
  // runs for every delivery, and the race and its cleanup allocated ~1.5 KB more per delivery.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HandlerTimeoutError(`The handlers did not finish within ${ms} ms; ${consequence}.`)), ms);
    // Not every runtime's timer has unref (a number in Workers and browsers).
    (timer as { unref?: () => void }).unref?.();
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
