// Summarises a V8 .cpuprofile (as written by `node --cpu-prof`): self and inclusive time per function.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_DIR } from './child.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface FunctionCost {
  readonly name: string;
  /** Share of all samples spent in the function itself. */
  readonly self: number;
  /** Share of all samples with the function on the stack. */
  readonly inclusive: number;
}

/** A function as "name path:line", the path relative to the repository (or the package, for dependencies). */
export function label(node: Pick<ProfileNode, 'callFrame'>): string {
  const { functionName, url, lineNumber } = node.callFrame;
  let where = url;
  if (url.startsWith('file://')) where = relative(REPO_DIR, new URL(url).pathname).replace(/^(?:\.\.\/)*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
  return `${functionName || '(anonymous)'}${where ? ` ${where}:${lineNumber + 1}` : ''}`;
}

export function summarizeProfile(path: string): FunctionCost[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const value of selfTime.values()) total += value;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const node = byId.get(id);
    if (node === undefined) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + time);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const ancestor = byId.get(at);
      if (ancestor === undefined) break;
      const name = label(ancestor);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + time);
    }
  }
  return [...inclusive.keys()].map((name) => ({ name, self: (self.get(name) ?? 0) / total, inclusive: (inclusive.get(name) ?? 0) / total }));
}
