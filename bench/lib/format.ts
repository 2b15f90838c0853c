// Number and table formatting for the console and RESULTS.md.

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** A number with thousands separators and no decimals (req/s). */
export function whole(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Microseconds, with a precision that suits the size. */
export function micros(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

export function millis(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

export function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : 'n/a';
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

export interface Table {
  /** Shown above the table (bold in Markdown). */
  readonly title?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Column alignment; default: first column left, the others right. */
  readonly align?: readonly ('left' | 'right')[];
}

function alignOf(table: Table, column: number): 'left' | 'right' {
  return table.align?.[column] ?? (column === 0 ? 'left' : 'right');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(table: Table): string {
  const lines: string[] = [];
  if (table.title !== undefined) lines.push(`**${table.title}**`, '');
  lines.push(`| ${table.headers.map(escapeCell).join(' | ')} |`);
  lines.push(`|${table.headers.map((_, i) => (alignOf(table, i) === 'right' ? '---:' : ':---')).join('|')}|`);
  for (const row of table.rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  return lines.join('\n');
}

/** A plain-text table for the console. */
export function textTable(table: Table): string {
  const widths = table.headers.map((header, i) => Math.max(header.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const pad = (text: string, i: number) =>
    alignOf(table, i) === 'right' ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const lines: string[] = [];
  if (table.title !== undefined) lines.push(table.title);
  lines.push(table.headers.map(pad).join('  '));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.rows) lines.push(table.headers.map((_, i) => pad(row[i] ?? '', i)).join('  '));
  return lines.join('\n');
}
