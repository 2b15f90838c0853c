import { describe, expect, it } from 'vitest';
import { SQLITE_STATEMENTS } from '../../src/stores/sqlite-statements.js';

describe('the SQLite statements', () => {
  // node:sqlite before Node 22.20 and 24.7 binds no numbered placeholder (`?1`) by position: every
  // statement using one threw "column index out of range" there, and CI runs neither version.
  it('use named or anonymous placeholders, never numbered ones', () => {
    const numbered = Object.entries(SQLITE_STATEMENTS).filter(([, text]) => /\?\d/.test(text));
    expect(numbered.map(([name]) => name)).toEqual([]);
  });
});
