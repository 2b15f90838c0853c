/**
 * Prints JSON that stays diffable without being huge: any value whose compact form fits on the line is
 * printed compactly, larger ones are broken one member per line. The result is valid JSON.
 */
export function printJson(value: unknown, indent = '', width = 120): string {
  const compact = JSON.stringify(value);
  if (value === null || typeof value !== 'object' || indent.length + compact.length <= width) return compact;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + printJson(item, inner, width)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${printJson(item, inner, width)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** A template literal whose value is `text`, exactly. */
export function templateLiteral(text: string): string {
  return `\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}
