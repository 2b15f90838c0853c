#!/usr/bin/env node
// wearhook-postgres-migrate: applies @wearhook/store-postgres migrations, for deploy pipelines that
// migrate before starting the app (then pass `migrate: false` to createPostgresStore).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from './migrations.js';

const usage = `Usage: wearhook-postgres-migrate [--url <postgres-url>] [--schema <name>]

Applies pending wearhook schema migrations. The URL defaults to $DATABASE_URL; the schema defaults to
the connection's search_path (normally "public").`;

async function main(): Promise<number> {
  let values: { url?: string; schema?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { url: { type: 'string' }, schema: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    // parseArgs quotes what it did not expect, and a URL given without --url holds the password.
    const code = (error as { code?: unknown }).code;
    console.error(`${code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' ? 'Unexpected argument (not shown: it may hold a password); give the URL as --url <postgres-url> or in DATABASE_URL.' : 'Unknown or incomplete option.'}\n\n${usage}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const connectionString = values.url ?? process.env.DATABASE_URL;
  if (connectionString === undefined || connectionString === '') {
    console.error(`No database: pass --url or set DATABASE_URL.\n\n${usage}`);
    return 2;
  }
  const pool = new pg.Pool({ connectionString, max: 1, application_name: 'wearhook-migrate' });
  pool.on('error', () => {}); // the query that needs the connection reports the failure
  try {
    const { from, to } = await migrate(pool, { schema: values.schema });
    const where = values.schema === undefined ? '' : ` in schema "${values.schema}"`;
    const message =
      from === to
        ? `wearhook tables${where} are up to date (version ${to}).`
        : `wearhook tables${where} migrated from version ${from} to ${to}.`;
    process.stdout.write(`${message}\n`);
    return 0;
  } catch (error) {
    // The message, never the URL: it may hold a password.
    console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

process.exitCode = await main();
