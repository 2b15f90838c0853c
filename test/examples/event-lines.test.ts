import { afterEach, describe, expect, it, vi } from 'vitest';
import { printEvent as printExpressEvent } from '../../examples/express-app/src/event-lines.js';
import { printEvent as printKoaEvent } from '../../examples/koa-app/src/event-lines.js';

// The examples print one JSON line per handled event (design.md), batched per event-loop turn. What
// must hold: every line is printed, in order, one write per turn, and a handler's promise settles only
// after its line was written (the delivery is completed only then, so a kill cannot lose a line).
afterEach(() => {
  vi.restoreAllMocks();
});

describe.each([
  ['express-app', printExpressEvent],
  ['koa-app', printKoaEvent],
])('%s: printEvent', (_name, printEvent) => {
  it('writes the lines of one turn in one write, in order, and settles each handler after its line is out', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((text: string) => {
      writes.push(text);
      return true;
    }) as typeof process.stdout.write);
    const events = [1, 2, 3].map((n) => ({ provider: 'vital', type: 'daily.data.heartrate.created', deliveryKey: `vital:msg_${n}`, ignored: n }));
    const settledAfter: number[] = [];
    const printed = events.map((event) => printEvent(event).then(() => settledAfter.push(writes.length)));
    expect(writes).toEqual([]);
    await Promise.all(printed);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endsWith('\n')).toBe(true);
    expect(writes[0]!.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(
      events.map(({ provider, type, deliveryKey }) => ({ provider, type, deliveryKey })),
    );
    expect(settledAfter).toEqual([1, 1, 1]);

    // A later turn gets its own write.
    await printEvent(events[0]!);
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!) as unknown).toEqual({ provider: 'vital', type: 'daily.data.heartrate.created', deliveryKey: 'vital:msg_1' });
  });

  it('waits for stdout to drain when the write is buffered, so a slow reader slows handlers instead of growing memory', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation((() => false) as typeof process.stdout.write);
    let settled = false;
    const printing = printEvent({ provider: 'terra', type: 'sleep', deliveryKey: 'terra:1' }).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    process.stdout.emit('drain');
    await printing;
    expect(settled).toBe(true);
  });
});
