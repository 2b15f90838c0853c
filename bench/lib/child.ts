// Spawning benchmark code in child processes: servers (so the load generator never shares their event
// loop), memory probes (so one measurement's garbage never inflates the next one's RSS), and whole
// benchmark groups under another Node version.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The bench/ folder. */
export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
/** The repository root. */
export const REPO_DIR = dirname(BENCH_DIR);
/**
 * Where benchmarks keep compiled copies, fixtures, bombs and profiles: under node_modules, so git,
 * ESLint and tsc leave it alone.
 */
export const CACHE_DIR = join(BENCH_DIR, 'node_modules', '.cache', 'wearhook-bench');

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Node arguments that run a TypeScript file with workspace packages resolved to their sources, as
 * `tsx --conditions=wearhook:source` does.
 */
export function tsNodeArgs(script: string, nodeFlags: readonly string[] = []): string[] {
  return ['--conditions=wearhook:source', '--import', TSX_LOADER, ...nodeFlags, script];
}

/** A path inside bench/. */
export function benchPath(...parts: string[]): string {
  return join(BENCH_DIR, ...parts);
}

/** True when the module at `importMetaUrl` is the script Node was started with. */
export function isMain(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && (importMetaUrl === pathToFileURL(entry).href || fileURLToPath(importMetaUrl) === entry);
}

export interface SpawnTsOptions {
  /** The Node binary; default this one. */
  readonly node?: string;
  readonly nodeFlags?: readonly string[];
  readonly args?: readonly string[];
  readonly stdio?: StdioOptions;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts a TypeScript file in a child process with an IPC channel. */
export function spawnTs(script: string, options: SpawnTsOptions = {}): ChildProcess {
  return spawn(options.node ?? process.execPath, [...tsNodeArgs(script, options.nodeFlags), ...(options.args ?? [])], {
    cwd: BENCH_DIR,
    stdio: options.stdio ?? ['ignore', 'inherit', 'inherit', 'ipc'],
    env: options.env ?? process.env,
  });
}

/** Resolves with the first IPC message that `accept` takes, rejects when the child exits first or on timeout. */
export function nextMessage<T>(child: ChildProcess, accept: (message: unknown) => T | undefined, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer from the child process within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value !== undefined) finish(undefined, value);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`the child process exited (code ${String(code)}, signal ${String(signal)}) before answering`));
    function finish(error: Error | undefined, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Ends a child this process started and waits for it to exit. */
export async function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a TypeScript file to completion and returns the one JSON object it prints on its last stdout line. */
export async function runTsForJson<T>(script: string, options: SpawnTsOptions & { readonly timeoutMs?: number } = {}): Promise<T> {
  const child = spawnTs(script, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    out += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`${script} exited with ${String(code)}: ${out.slice(-2000)}`);
  return JSON.parse(last) as T;
}
