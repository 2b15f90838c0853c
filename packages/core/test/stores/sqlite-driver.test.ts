import { afterEach, describe, expect, it } from 'vitest';
import { withoutSqliteExperimentalWarning } from '../../src/stores/sqlite-driver.js';

const SQLITE_WARNING = 'SQLite is an experimental feature and might change at any time';

let heard: Array<{ name: string; message: string }> = [];
const listen = (warning: Error) => heard.push({ name: warning.name, message: warning.message });
afterEach(() => {
  process.off('warning', listen);
  heard = [];
});

/** The warnings `process` emits during `run`, after the turn in which Node delivers them. */
async function warningsDuring(run: () => Promise<unknown>): Promise<Array<{ name: string; message: string }>> {
  process.on('warning', listen);
  await run();
  await new Promise((resolve) => setImmediate(resolve));
  return heard;
}

describe('withoutSqliteExperimentalWarning', () => {
  it("drops Node's experimental warning for node:sqlite, in both forms Node emits it, and nothing else", async () => {
    const warnings = await warningsDuring(() =>
      withoutSqliteExperimentalWarning(async () => {
        process.emitWarning(SQLITE_WARNING, 'ExperimentalWarning');
        process.emitWarning(SQLITE_WARNING, { type: 'ExperimentalWarning' });
        process.emitWarning('Another feature is an experimental feature', 'ExperimentalWarning');
        process.emitWarning(SQLITE_WARNING, 'DeprecationWarning');
      }),
    );
    expect(warnings).toEqual([
      { name: 'ExperimentalWarning', message: 'Another feature is an experimental feature' },
      { name: 'DeprecationWarning', message: SQLITE_WARNING },
    ]);
  });

  it('puts process.emitWarning back, also when loading fails, and then lets the warning through', async () => {
    const original = process.emitWarning;
    await expect(withoutSqliteExperimentalWarning(() => Promise.reject(new Error('no driver')))).rejects.toThrow('no driver');
    expect(process.emitWarning).toBe(original);
    const warnings = await warningsDuring(async () => process.emitWarning(SQLITE_WARNING, 'ExperimentalWarning'));
    expect(warnings).toEqual([{ name: 'ExperimentalWarning', message: SQLITE_WARNING }]);
  });

  it('leaves a replacement installed meanwhile by someone else in place', async () => {
    const original = process.emitWarning;
    const theirs = (() => {}) as typeof process.emitWarning;
    try {
      await withoutSqliteExperimentalWarning(async () => {
        process.emitWarning = theirs;
      });
      expect(process.emitWarning).toBe(theirs);
    } finally {
      process.emitWarning = original;
    }
  });
});
