import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAll, REPO_ROOT } from './generate-provider-schemas/generate.js';

describe('generate-provider-schemas', () => {
  const { files, models } = generateAll();

  it('matches the committed files byte for byte (run `pnpm generate` after changing a spec or the generator)', () => {
    for (const file of files) {
      const committed = readFileSync(join(REPO_ROOT, file.path), 'utf8');
      expect(committed === file.content, `${file.path} is stale`).toBe(true);
    }
  });

  it('owns every file in the generated folders (a file it no longer writes must be deleted)', () => {
    for (const provider of ['terra', 'vital', 'thryve']) {
      const dir = `packages/core/src/providers/${provider}/generated`;
      const written = files.filter((file) => file.path.startsWith(`${dir}/`)).map((file) => file.path.slice(dir.length + 1));
      const present = readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(join(REPO_ROOT, dir), join(entry.parentPath, entry.name)).split(sep).join('/'));
      expect(present.sort()).toEqual(written.sort());
    }
  });

  it('is deterministic', () => {
    expect(generateAll().files).toEqual(files);
  });

  it('expands the specs into the documented event types', () => {
    const byProvider = Object.fromEntries(models.map((model) => [model.config.provider, [...model.eventSchemas.keys()]]));
    // Junction's 194, and Svix's message.attempt.exhausted (config.unspecifiedEventTypes).
    expect(byProvider.vital).toHaveLength(195);
    expect(byProvider.vital).toContain('message.attempt.exhausted');
    expect(byProvider.terra).toEqual([
      'access_revoked',
      'activity',
      'athlete',
      'auth',
      'auth_cancelled',
      'body',
      'connection_error',
      'daily',
      'deauth',
      'google_no_datasource',
      'health_observation',
      'healthcheck',
      'hormone',
      'lab_report.completed',
      'lab_report.failed',
      'large_request_processing',
      'large_request_sending',
      'menstruation',
      'nutrition',
      'permission_change',
      'planned_workout',
      'processing',
      'rate_limit_hit',
      's3_payload',
      's3_upload',
      'sleep',
      'user_reauth',
    ]);
  });
});

describe('generated validators', () => {
  const { files } = generateAll();
  const file = (path: string): string => {
    const found = files.find((candidate) => candidate.path === path);
    if (found === undefined) throw new Error(`not generated: ${path}`);
    return found.content;
  };

  it.each(['terra', 'vital', 'thryve'])('%s: the gate module imports only the standalone runtime, never ajv', (provider) => {
    const content = file(`packages/core/src/providers/${provider}/generated/gate.ts`);
    expect(content).not.toMatch(/\brequire\(|from ['"]ajv|new Function|createRequire|\bimport\(/);
    const imports = [...content.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(new Set(imports)).toEqual(new Set(['../../../validation/standalone-runtime.js']));
    // The gate stops at the first failure: it needs no error budget.
    expect(content).toMatch(/vErrors=append\(vErrors,err\d+\)/);
    expect(content).not.toMatch(/collect\(|refund\(|vErrors\.push\(/);
  });

  it.each(['terra', 'vital', 'thryve'])('%s: conformance.ts is data: JSON text for every event type of the gate, imports nothing at run time', (provider) => {
    const dir = `packages/core/src/providers/${provider}/generated`;
    const index = file(`${dir}/conformance.ts`);
    expect([...index.matchAll(/^import .*$/gm)].map((match) => match[0])).toEqual(["import type { ConformanceSchemas } from '../../../validation/conformance-schemas.js';"]);
    expect(index).not.toMatch(/\bimport\(|function|=>/);
    const gateTypes = [...file(`${dir}/gate.ts`).matchAll(/^ {2}"([^"]+)": validate\d+,$/gm)].map((match) => match[1]);
    const listed = [...index.matchAll(/^ {4}"([^"]+)": \d+,$/gm)].map((match) => match[1]);
    expect(listed).toEqual(gateTypes);
  });
});
