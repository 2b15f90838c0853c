// What a benchmark group reports, and the writer of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { markdownTable, textTable, type Table } from './format.js';

export type TargetStatus = 'PASS' | 'MISS' | 'n/a';

/** One of issue 5's targets, as measured in this run. */
export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly status: TargetStatus;
  readonly note?: string;
}

/** The figures of one benchmark group, serialisable so a group can run in a child process. */
export interface Section {
  readonly id: string;
  readonly title: string;
  /** `process.version` of the Node that ran the group. */
  readonly node: string;
  /** What the group measures and how, shown above its tables. */
  readonly intro: readonly string[];
  readonly tables: readonly Table[];
  readonly notes: readonly string[];
  readonly targets: readonly TargetResult[];
  /** Seconds the group took. */
  readonly seconds: number;
}

export function target(name: string, measured: string, pass: boolean | undefined, note?: string): TargetResult {
  return { target: name, measured, status: pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS', ...(note === undefined ? {} : { note }) };
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly os: string;
  readonly loadAtStart: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAtStart: loadAverage(),
  };
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

export function gitRevision(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} plus uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

/** The console form of a section. */
export function sectionText(section: Section): string {
  const parts = [`== ${section.title} (Node ${section.node}, ${section.seconds.toFixed(0)} s) ==`];
  for (const table of section.tables) parts.push(textTable(table));
  for (const note of section.notes) parts.push(`note: ${note}`);
  for (const t of section.targets) parts.push(`[${t.status}] ${t.target}: ${t.measured}${t.note === undefined ? '' : ` (${t.note})`}`);
  return parts.join('\n\n');
}

export interface ResultsDocument {
  readonly command: string;
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAtEnd: string;
  readonly nodes: readonly string[];
  readonly revision: string;
  readonly totalSeconds: number;
  readonly preface: readonly string[];
  readonly sections: readonly Section[];
}

/** RESULTS.md: the machine, the run, the targets (PASS/MISS) and every section's tables. */
export function resultsMarkdown(doc: ResultsDocument): string {
  const lines: string[] = [];
  lines.push('# wearhook benchmark results', '');
  lines.push(`Produced by \`${doc.command}\` on ${doc.date} in ${doc.totalSeconds.toFixed(0)} s. Do not edit by hand: run it again.`, '');
  lines.push(
    markdownTable({
      headers: ['', ''],
      rows: [
        ['CPU', `${doc.machine.cpu}, ${doc.machine.cores} cores`],
        ['Memory', doc.machine.memory],
        ['OS', doc.machine.os],
        ['Node', doc.nodes.join(', ')],
        ['Code', `commit ${doc.revision}`],
        ['Load average (1/5/15 min)', `at start ${doc.machine.loadAtStart}; at end ${doc.loadAtEnd}`],
      ],
      align: ['left', 'left'],
    }),
    '',
  );
  for (const paragraph of doc.preface) lines.push(paragraph, '');

  const targets = doc.sections.flatMap((section) => section.targets.map((t) => ({ ...t, node: section.node })));
  lines.push('## Targets', '');
  lines.push(
    markdownTable({
      headers: ['Target', 'Node', 'Measured', 'Result', 'Note'],
      rows: targets.map((t) => [t.target, t.node, t.measured, t.status === 'n/a' ? 'n/a' : `**${t.status}**`, t.note ?? '']),
      align: ['left', 'left', 'left', 'left', 'left'],
    }),
    '',
  );

  for (const section of doc.sections) {
    lines.push(`## ${section.title}`, '');
    lines.push(`_Node ${section.node}; ${section.seconds.toFixed(0)} s._`, '');
    for (const paragraph of section.intro) lines.push(paragraph, '');
    for (const table of section.tables) lines.push(markdownTable(table), '');
    for (const note of section.notes) lines.push(`- ${note}`);
    if (section.notes.length > 0) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
