/**
 * TEST ONLY: fault injection for the durable stores' group commit, so tests can prove what happens
 * when a commit fails or the process dies in the middle of one. Inert unless BOTH
 * `NODE_ENV=test` and `WEARHOOK_TEST_FAULT` are set when the store is created; never set them in
 * production. Values:
 * - `fail-commit[:n]`: the n-th commit (default 1st) of the store fails: its transaction is rolled back
 *   and every write in it is rejected, as when the database refuses the COMMIT.
 * - `kill-before-commit[:n]`: the process SIGKILLs itself just before the n-th commit (default 1st)
 *   that holds at least two writes, i.e. in the middle of a group commit, after the writes ran.
 */
export interface CommitFault {
  /** Called with the number of writes just before each COMMIT; throws (or kills) when the fault is due. */
  beforeCommit(writes: number): void;
}

export function commitFaultFromEnvironment(env: NodeJS.ProcessEnv = process.env): CommitFault | undefined {
  const spec = env.WEARHOOK_TEST_FAULT;
  if (env.NODE_ENV !== 'test' || spec === undefined || spec === '') return undefined;
  const match = /^(fail-commit|kill-before-commit)(?::(\d+))?$/.exec(spec);
  if (match === null) throw new Error(`Unknown WEARHOOK_TEST_FAULT ${JSON.stringify(spec)}.`);
  const kind = match[1];
  const due = Number(match[2] ?? 1);
  let seen = 0;
  return {
    beforeCommit(writes) {
      if (kind === 'kill-before-commit') {
        if (writes < 2 || ++seen !== due) return;
        process.kill(process.pid, 'SIGKILL');
      }
      if (++seen === due) throw new Error('Injected commit failure (WEARHOOK_TEST_FAULT=fail-commit).');
    },
  };
}
