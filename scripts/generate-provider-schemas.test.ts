import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    for (const provider of ['terra', 'vital']) {
      const dir = `packages/core/src/providers/${provider}/generated`;
      const written = files.filter((file) => file.path.startsWith(`${dir}/`)).map((file) => file.path.slice(dir.length + 1));
      expect(readdirSync(join(REPO_ROOT, dir)).sort()).toEqual(written.sort());
    }
  });

  it('is deterministic', () => {
    expect(generateAll().files).toEqual(files);
  });

  it('expands the specs into the documented event types', () => {
    const byProvider = Object.fromEntries(models.map((model) => [model.config.provider, [...model.eventSchemas.keys()]]));
    expect(byProvider.vital).toHaveLength(194);
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
      'health_observation',
      'hormone',
      'lab_report.completed',
      'lab_report.failed',
      'large_request_processing',
      'large_request_sending',
      'menstruation',
      'nutrition',
      'permission_change',
      'planned_workout',
      's3_payload',
      's3_upload',
      'sleep',
      'user_reauth',
    ]);
  });
});
