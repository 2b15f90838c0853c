import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, type ProviderModel } from './build-model.js';
import { emitProviderFiles, type GeneratedFile } from './emit-files.js';
import { loadSpec } from './load-spec.js';
import { PROVIDER_CONFIGS } from './provider-config.js';
import { emitSpecValidatorFiles, emitThryveValidatorFiles } from './validator-files.js';

/** The repository root (this file lives in scripts/generate-provider-schemas/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The specs sit beside the repository, in the shared reference folder. */
export const DEFAULT_SPEC_DIR = resolve(REPO_ROOT, '..', 'shared', 'reference');

export interface GenerationResult {
  readonly files: readonly GeneratedFile[];
  readonly models: readonly ProviderModel[];
}

/** Generates every provider's files in memory; writing them is the caller's business. */
export function generateAll(specDir: string = DEFAULT_SPEC_DIR): GenerationResult {
  const models = PROVIDER_CONFIGS.map((config) => buildModel(loadSpec(specDir, config.specFile), config));
  return {
    models,
    files: [...models.flatMap((model) => [...emitProviderFiles(model), ...emitSpecValidatorFiles(model)]), ...emitThryveValidatorFiles()],
  };
}
