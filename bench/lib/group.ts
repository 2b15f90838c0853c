// The shape every benchmark group file shares: `run()` returns a Section; run as a script, the group
// either hands the Section to run-all.ts over IPC or prints it.
import { nextMessage, spawnTs } from './child.js';
import { sectionText, type Section } from './results.js';

export interface GroupOptions {
  /** Shorter runs, for checking that the benchmarks work; figures are noisier. */
  readonly quick: boolean;
}

export type GroupRun = (options: GroupOptions) => Promise<Section>;

export function groupOptionsFromArgv(argv: readonly string[] = process.argv): GroupOptions {
  return { quick: argv.includes('--quick') || process.env.BENCH_QUICK === '1' };
}

/** The main of a group file: run it, then send the Section to the parent or print it. */
export async function runAsScript(run: GroupRun): Promise<void> {
  const section = await run(groupOptionsFromArgv());
  const send = process.send?.bind(process);
  if (send) {
    await new Promise<void>((resolve, reject) => send({ type: 'section', section }, (error: Error | null) => (error ? reject(error) : resolve())));
    process.disconnect();
  } else {
    console.log(sectionText(section));
  }
}

/** Runs a group file in a child process (optionally under another Node) and returns its Section. */
export async function runGroupInChild(script: string, options: GroupOptions & { readonly node?: string; readonly timeoutMs?: number }): Promise<Section> {
  const child = spawnTs(script, { ...(options.node === undefined ? {} : { node: options.node }), args: options.quick ? ['--quick'] : [] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const section = await nextMessage(
      child,
      (message) => {
        const m = message as { type?: unknown; section?: Section } | null;
        return m?.type === 'section' ? m.section : undefined;
      },
      options.timeoutMs ?? 600_000,
    );
    await exited;
    return section;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
