import { once } from 'node:events';

/** What each handled event prints: the contract the example apps are tested against. */
export interface PrintedEvent {
  readonly provider: string;
  readonly type: string;
  readonly deliveryKey: string;
}

let pending: string[] = [];
let written: Promise<void> | undefined;

function writePending(): Promise<void> {
  const text = `${pending.join('\n')}\n`;
  pending = [];
  written = undefined;
  // Writes to files, and to pipes on Linux, complete before write() returns; where stdout is slower
  // (a terminal, a pipe elsewhere), wait for it to drain rather than buffer without bound.
  return process.stdout.write(text) ? Promise.resolve() : once(process.stdout, 'drain').then(() => undefined);
}

/**
 * Prints one JSON line per handled event. The lines of one event-loop turn go out in one write: a write
 * per line cost about 45 µs of each delivery under load (a system call each, measured with stdout to a
 * file), more than wearhook's whole pipeline. The promise settles once the line is written, and the
 * handler returns it, so a delivery is completed only after its line is out: printing is the handler's
 * effect, and an effect still waiting in memory when the process is killed would be lost for good.
 */
export function printEvent(event: PrintedEvent): Promise<void> {
  pending.push(JSON.stringify({ provider: event.provider, type: event.type, deliveryKey: event.deliveryKey }));
  written ??= new Promise<void>((resolve) => setImmediate(resolve)).then(writePending);
  return written;
}

// Lines of handlers still running when the process exits (their deliveries are handled again after a
// restart) are written anyway, synchronously.
process.on('exit', () => {
  if (pending.length > 0) process.stdout.write(`${pending.join('\n')}\n`);
});
