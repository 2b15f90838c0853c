/**
 * Generates JSON Schemas, payload types and event type lists for Terra and Vital from their OpenAPI
 * specs (../shared/reference). Usage: `pnpm generate` writes the files (and deletes files in its folders
 * it no longer writes); `pnpm generate --check` only reports (exit 1) when the committed files differ
 * from what the specs generate.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateAll, REPO_ROOT } from './generate-provider-schemas/generate.js';

const check = process.argv.includes('--check');
const { files, models } = generateAll(process.env.WEARHOOK_SPEC_DIR);

let stale = 0;
for (const file of files) {
  const target = join(REPO_ROOT, file.path);
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === file.content) continue;
  stale += 1;
  if (check) {
    console.error(`out of date: ${file.path}`);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    console.log(`wrote ${file.path}`);
  }
}

// The folders it writes are its own: a file there it no longer writes (e.g. one an earlier version of
// the generator wrote) would be stale code nothing imports.
const written = new Set(files.map((file) => file.path));
for (const dir of new Set(files.map((file) => dirname(file.path)))) {
  for (const entry of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (!entry.isFile() || written.has(path)) continue;
    stale += 1;
    if (check) {
      console.error(`not generated any more, delete it: ${path}`);
    } else {
      rmSync(join(REPO_ROOT, path));
      console.log(`deleted ${path}`);
    }
  }
}

for (const model of models) {
  const { config, eventSchemas, sharedSchemas, spec } = model;
  console.log(`${config.provider}: ${eventSchemas.size} event types, ${sharedSchemas.size} shared schemas (${spec.file})`);
  for (const note of model.catalog.notes) console.log(`  note: ${note}`);
}
for (const file of files) console.log(`${file.path}: ${Buffer.byteLength(file.content)} bytes`);
if (check && stale > 0) process.exitCode = 1;
