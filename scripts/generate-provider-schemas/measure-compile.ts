/**
 * Measures what the generated schemas cost ajv: constructing a validator (adds the shared schemas),
 * compiling the first schema, ten schemas, and all of them. Each figure is the median of several fresh
 * validators. Run: `npx tsx scripts/generate-provider-schemas/measure-compile.ts`.
 */
import { performance } from 'node:perf_hooks';
import { terraEventSchemas, terraSharedSchemas } from '../../packages/core/src/providers/terra/generated/schemas.js';
import { vitalEventSchemas, vitalSharedSchemas } from '../../packages/core/src/providers/vital/generated/schemas.js';
import { SchemaValidator } from '../../packages/core/src/validation/schema-validator.js';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function measure(name: string, schemas: Readonly<Record<string, object>>, shared: readonly object[]): void {
  const types = Object.keys(schemas);
  const timings = { construct: [] as number[], first: [] as number[], ten: [] as number[], all: [] as number[] };
  for (let run = 0; run < RUNS; run += 1) {
    let start = performance.now();
    const validator = new SchemaValidator(schemas, shared);
    timings.construct.push(performance.now() - start);
    start = performance.now();
    validator.validate(types[0] ?? '', {});
    timings.first.push(performance.now() - start);
    const fresh = new SchemaValidator(schemas, shared);
    start = performance.now();
    for (const type of types.slice(0, 10)) fresh.validate(type, {});
    timings.ten.push(performance.now() - start);
    const all = new SchemaValidator(schemas, shared);
    start = performance.now();
    all.compileAll();
    timings.all.push(performance.now() - start);
  }
  // The worst first delivery: each type compiled alone by a fresh validator.
  let slowest = { type: '', ms: 0 };
  for (const type of types) {
    const alone = new SchemaValidator(schemas, shared);
    const start = performance.now();
    alone.validate(type, {});
    const elapsed = performance.now() - start;
    if (elapsed > slowest.ms) slowest = { type, ms: elapsed };
  }
  const ms = (values: number[]): string => `${median(values).toFixed(1)} ms`;
  console.log(
    `${name}: ${types.length} event schemas, ${shared.length} shared; construct ${ms(timings.construct)}, ` +
      `first (${types[0]}) ${ms(timings.first)}, first ten ${ms(timings.ten)}, all ${ms(timings.all)}, ` +
      `slowest alone ${slowest.type} ${slowest.ms.toFixed(1)} ms`,
  );
}

measure('terra', terraEventSchemas, terraSharedSchemas);
measure('vital', vitalEventSchemas, vitalSharedSchemas);
