/**
 * Shortens how ajv's standalone conformance code creates errors. After the error-push rewrite each error reads
 * `const err7 = {instancePath:instancePath+"/x",schemaPath:"",keyword:"type",params:{type: "string"},message:"must be string"};vErrors=collect(vErrors,err7);errors++;`
 * and becomes `vErrors=collect(vErrors,instancePath+"/x","type",{type: "string"},"must be string");errors++;`:
 * the runtime builds the object. Error literals are about a third of the conformance code, and V8
 * parses a type's module on the first delivery of that type, so every byte here is first-delivery
 * latency. `schemaPath` is dropped: nothing reads it (issues carry the payload path and message).
 */

const FIELDS = ['instancePath', 'schemaPath', 'keyword', 'params', 'message'] as const;

/**
 * `code` with every error literal passed to `helper` (`append` or `collect`) as arguments. Throws when
 * an error is created any other way, or with fields the runtime does not take, so a change in ajv's
 * output fails the generator instead of producing code the runtime misreads.
 */
export function compactErrors(code: string, helper: string): string {
  const start = /const (err\d+) = \{/g;
  let out = '';
  let from = 0;
  for (let match = start.exec(code); match !== null; match = start.exec(code)) {
    const name = match[1] ?? '';
    const open = match.index + match[0].length - 1;
    const close = matchingBrace(code, open);
    const fields = topLevelFields(code.slice(open + 1, close));
    const push = `;vErrors=${helper}(vErrors,${name});errors++;`;
    if (!code.startsWith(push, close + 1)) throw new Error(`${name} is not appended right after it is created`);
    if (close === open + 1) {
      // A placeholder (`{}`): ajv's `if` condition creates one and drops it at once; no fields to pass.
      out += `${code.slice(from, match.index)}vErrors=${helper}(vErrors);errors++;`;
      from = close + 1 + push.length;
      start.lastIndex = from;
      continue;
    }
    const byKey = new Map<string, string>();
    for (const field of fields) {
      const colon = field.indexOf(':');
      const key = colon < 0 ? field : field.slice(0, colon);
      byKey.set(key, colon < 0 ? field : field.slice(colon + 1));
    }
    if (byKey.size !== FIELDS.length || FIELDS.some((key) => !byKey.has(key))) throw new Error(`${name} has fields ${[...byKey.keys()].join(', ')}`);
    const args = ['instancePath', 'keyword', 'params', 'message'].map((key) => byKey.get(key) ?? '');
    out += `${code.slice(from, match.index)}vErrors=${helper}(vErrors,${args.join(',')});errors++;`;
    from = close + 1 + push.length;
    start.lastIndex = from;
  }
  out += code.slice(from);
  if (/\berr\d+\b/.test(out)) throw new Error('An error literal is still referenced after compaction');
  return out;
}

/** The index of the brace that closes the one at `open`, skipping strings and nested brackets. */
function matchingBrace(code: string, open: number): number {
  let depth = 0;
  for (let index = open; index < code.length; index += 1) {
    const char = code[index];
    if (char === '"' || char === "'") {
      index = stringEnd(code, index);
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
    } else if (char === '}' || char === ']' || char === ')') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  throw new Error('Unbalanced error literal');
}

/** The index of the quote that ends the string starting at `quote`. */
function stringEnd(code: string, quote: number): number {
  for (let index = quote + 1; index < code.length; index += 1) {
    if (code[index] === '\\') index += 1;
    else if (code[index] === code[quote]) return index;
  }
  throw new Error('Unterminated string in an error literal');
}

/** `a:1,b:{c:2,d:3}` → [`a:1`, `b:{c:2,d:3}`]. */
function topLevelFields(body: string): string[] {
  const fields: string[] = [];
  let depth = 0;
  let from = 0;
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index];
    if (char === '"' || char === "'") index = stringEnd(body, index);
    else if (char === '{' || char === '[' || char === '(') depth += 1;
    else if (char === '}' || char === ']' || char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      fields.push(body.slice(from, index));
      from = index + 1;
    }
  }
  fields.push(body.slice(from));
  return fields;
}
