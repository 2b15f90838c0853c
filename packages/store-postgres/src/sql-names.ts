/** Qualified, quoted names of wearhook's tables in one schema (or unqualified: the search_path). */
export interface SqlNames {
  readonly schema: string | undefined;
  readonly deliveries: string;
  readonly records: string;
  readonly migrations: string;
}

export function sqlNames(schema: string | undefined): SqlNames {
  const qualify = (table: string): string => (schema === undefined ? table : `${quoteIdentifier(schema)}.${table}`);
  return {
    schema,
    deliveries: qualify('wearhook_deliveries'),
    records: qualify('wearhook_records'),
    migrations: qualify('wearhook_schema_migrations'),
  };
}

/** Quotes an identifier the way PostgreSQL's quote_ident does, so any schema name is safe. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) throw new RangeError('Invalid PostgreSQL identifier.');
  return `"${name.replaceAll('"', '""')}"`;
}
