// `pnpm bench`: runs every benchmark group, each in its own child process, and writes bench/RESULTS.md.
// Options: --quick (short runs, to check the suite works), --only=http-throughput,cold-start,...,
// --no-node24 (skip the second pass of the Node-sensitive groups under Node 24). With --only, the
// other groups' sections are kept from the previous run (RESULTS.json, written beside RESULTS.md), so
// `pnpm bench:inbox` refreshes the inbox figures without dropping the rest;
// --note="..." (a paragraph for RESULTS.md, e.g. about the machine's load). BENCH_NODE24=/path/to/node
// picks the Node 24 binary; otherwise `npx -p node@24` finds one when it can.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { benchPath, REPO_DIR } from './lib/child.js';
import { groupOptionsFromArgv, runGroupInChild } from './lib/group.js';
import { gitRevision, loadAverage, machineInfo, resultsMarkdown, sectionText, type Section } from './lib/results.js';

const GROUPS = ['inbox-throughput', 'http-throughput', 'pipeline-stages', 'verify-comparison', 'large-bodies', 'cold-start'] as const;
/** Groups whose figures depend on the Node version (zstd in node:zlib from 22.15, crypto, V8). */
const NODE24_GROUPS: readonly string[] = ['inbox-throughput', 'pipeline-stages', 'verify-comparison', 'large-bodies', 'cold-start'];

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

function findNode24(): string | undefined {
  if (process.env.BENCH_NODE24) return process.env.BENCH_NODE24;
  if (Number(process.versions.node.split('.')[0]) >= 24) return undefined;
  try {
    const path = execFileSync('npx', ['-y', '-p', 'node@24', '--', 'node', '-p', 'process.execPath'], {
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return path === '' ? undefined : path;
  } catch {
    return undefined;
  }
}

const options = groupOptionsFromArgv();
const only = argValue('only')?.split(',');
const groups = GROUPS.filter((group) => only === undefined || only.includes(group));
const started = performance.now();
const machine = machineInfo();
const date = new Date().toISOString();
const sections: Section[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);

const node24 = process.argv.includes('--no-node24') ? undefined : findNode24();
const nodes = [process.version];
if (node24) nodes.push(execFileSync(node24, ['-p', 'process.version'], { encoding: 'utf8' }).trim());

for (const group of groups) {
  log(`\n▶ ${group} (Node ${process.version})`);
  const section = await runGroupInChild(benchPath(`${group}.ts`), options);
  sections.push(section);
  log(sectionText(section));
}
if (node24) {
  for (const group of groups.filter((g) => NODE24_GROUPS.includes(g))) {
    log(`\n▶ ${group} (Node 24: ${node24})`);
    const section = await runGroupInChild(benchPath(`${group}.ts`), { ...options, node: node24 });
    sections.push(section);
    log(sectionText(section));
  }
}

// Sections of the groups not run this time, from the previous run, each with when and where it was measured.
interface KeptSection extends Section {
  readonly measured: string;
}
const stamp = `${date}, commit ${gitRevision(REPO_DIR)}, load at start ${machine.loadAtStart}`;
const previousPath = benchPath('RESULTS.json');
const kept: KeptSection[] = [];
if (only !== undefined && existsSync(previousPath)) {
  const previous = JSON.parse(readFileSync(previousPath, 'utf8')) as { sections?: KeptSection[] };
  for (const section of previous.sections ?? []) if (!groups.includes(section.id as (typeof GROUPS)[number])) kept.push(section);
}
const current: KeptSection[] = sections.map((s) => ({ ...s, measured: stamp }));
const all = [...current, ...kept];
for (const section of all) if (!nodes.includes(section.node)) nodes.push(section.node);
const titled = nodes.length > 1 ? all.map((s) => ({ ...s, title: `${s.title} (Node ${s.node})` })) : all;
// Each group's sections together, in the order of GROUPS.
titled.sort((a, b) => GROUPS.indexOf(a.id as (typeof GROUPS)[number]) - GROUPS.indexOf(b.id as (typeof GROUPS)[number]));

const preface: string[] = [];
if (only !== undefined && kept.length === 0) {
  preface.push(`This run (\`--only=${groups.join(',')}\`) measured only ${groups.join(', ')}, and no earlier run's sections were at hand (bench/RESULTS.json): run \`pnpm bench\` for the rest.`);
}
if (kept.length > 0) {
  const runs = [...new Set(kept.map((s) => s.measured))];
  preface.push(
    `This run (\`--only=${groups.join(',')}\`) measured only ${groups.join(', ')}; the other sections are kept from earlier runs (${runs.join('; ')}). ` +
      'Compare figures only within one run.',
  );
}
const note = argValue('note') ?? process.env.BENCH_NOTE;
if (note) preface.push(`**Note.** ${note}`);
const load = Number(machine.loadAtStart.split(' / ')[0]);
if (load > machine.cores * 0.5) {
  preface.push(
    `The machine was busy when this run started (1-minute load average ${load.toFixed(2)} on ${machine.cores} cores): absolute figures are ` +
      'pessimistic and noisy. Ratios measured within the run (subject against its baseline, alternated) hold up better than absolute numbers.',
  );
}
if (options.quick) preface.push('**Quick run** (`--quick`): short measurements to check the suite works; not figures to quote.');
if (!node24 && Number(process.versions.node.split('.')[0]) < 24 && !process.argv.includes('--no-node24')) {
  preface.push('No Node 24 binary was found (set BENCH_NODE24), so the Node 24 pass was skipped.');
}

const args = process.argv.slice(2);
const markdown = resultsMarkdown({
  command: `pnpm bench${args.length > 0 ? ` ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}` : ''}`,
  date,
  machine,
  loadAtEnd: loadAverage(),
  nodes,
  revision: gitRevision(REPO_DIR),
  totalSeconds: (performance.now() - started) / 1000,
  preface,
  sections: titled,
});
writeFileSync(benchPath('RESULTS.md'), markdown);
writeFileSync(previousPath, `${JSON.stringify({ note: 'Written by bench/run-all.ts: the sections of RESULTS.md, kept by --only runs.', sections: all }, null, 1)}\n`);
log(`\nWrote bench/RESULTS.md in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
for (const section of titled) for (const t of section.targets) log(`[${t.status}] ${t.target} (Node ${section.node}): ${t.measured}`);
