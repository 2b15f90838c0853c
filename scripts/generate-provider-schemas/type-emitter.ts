import { typesOf } from './clean-schema.js';
import type { JsonValue, Schema } from './json-schema.js';

/** Names TypeScript gives the shared schemas and the event payloads. */
export interface TypeNames {
  /** The type name of a shared schema, by its `$id`. */
  ofRef(ref: string): string;
  /** Whether a shared schema is emitted as an interface (so others may `extends` it). */
  isInterface(ref: string): boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A small JSON Schema → TypeScript printer for the structural subset the generator emits. Objects become
 * interfaces (optional unless required), enums and consts literal unions, `anyOf`/`oneOf` unions,
 * `allOf` `extends` or intersections, refs the named types. Open enums list the known values and
 * still accept any other of their type.
 */
export class TypeEmitter {
  constructor(private readonly names: TypeNames) {}

  /** `export interface` when the schema is a plain object, else `export type`. */
  declaration(name: string, schema: Schema): string {
    if (this.declaresInterface(schema)) {
      const bases = (schema.allOf ?? []).map((arm) => this.names.ofRef(arm.$ref ?? ''));
      const heritage = bases.length > 0 ? ` extends ${bases.join(', ')}` : '';
      return `export interface ${name}${heritage} ${this.objectBody(schema, '')}\n`;
    }
    const expression = this.expression(schema, '');
    const members = splitTopLevel(expression, '|');
    // Long unions (enums) one member per line, so a changed value is a one-line diff.
    if (members.length > 1 && expression.length > 100) {
      return `export type ${name} =\n${members.map((member) => `  | ${member}`).join('\n')};\n`;
    }
    return `export type ${name} = ${expression};\n`;
  }

  expression(schema: Schema, indent: string): string {
    const parts: string[] = [];
    if (schema.$ref !== undefined) parts.push(this.names.ofRef(schema.$ref));
    const own = this.ownType(schema, indent);
    if (own !== undefined) parts.push(own);
    for (const arm of schema.allOf ?? []) parts.push(this.expression(arm, indent));
    for (const union of [schema.anyOf, schema.oneOf]) {
      if (union !== undefined) parts.push(unique(union.map((arm) => this.expression(arm, indent))).join(' | '));
    }
    if (parts.length === 0) return 'unknown';
    if (parts.length === 1) return parts[0] ?? 'unknown';
    return parts.map((part) => (needsParens(part) ? `(${part})` : part)).join(' & ');
  }

  /** Whether `declaration` prints an interface: a plain object whose `allOf` names interfaces only. */
  declaresInterface(schema: Schema): boolean {
    const objectTyped = schema.type === 'object' || (schema.type === undefined && schema.properties !== undefined);
    return (
      objectTyped &&
      schema.properties !== undefined &&
      schema.additionalProperties === undefined &&
      schema.$ref === undefined &&
      schema.anyOf === undefined &&
      schema.oneOf === undefined &&
      schema.const === undefined &&
      schema.enum === undefined &&
      (schema.allOf ?? []).every((arm) => this.namesInterface(arm))
    );
  }

  /** Whether the schema is nothing but a `$ref` to a schema printed as an interface. */
  private namesInterface(schema: Schema): boolean {
    return Object.keys(schema).length === 1 && schema.$ref !== undefined && this.names.isInterface(schema.$ref);
  }

  /** The type the schema's own keywords describe, or `undefined` when they describe nothing. */
  private ownType(schema: Schema, indent: string): string | undefined {
    if (schema.const !== undefined) return literal(schema.const);
    if (schema.enum !== undefined) return unique(schema.enum.map(literal)).join(' | ');
    let types = typesOf(schema);
    if (types.length === 0) {
      if (schema.properties !== undefined || schema.additionalProperties !== undefined) types = ['object'];
      else if (schema.items !== undefined) types = ['array'];
      else if (schema.examples === undefined) return undefined;
    }
    const members: string[] = schema.examples === undefined ? [] : schema.examples.map(literal);
    for (const type of types) {
      if (schema.examples !== undefined && type !== 'null') {
        // `string & {}` keeps editors suggesting the known values while accepting any string.
        members.push(type === 'string' ? '(string & {})' : type === 'boolean' ? 'boolean' : '(number & {})');
        continue;
      }
      members.push(this.typeOf(type, schema, indent));
    }
    return unique(members).join(' | ');
  }

  private typeOf(type: string, schema: Schema, indent: string): string {
    switch (type) {
      case 'string':
      case 'boolean':
      case 'null':
        return type;
      case 'number':
      case 'integer':
        return 'number';
      case 'array':
        return this.arrayType(schema, indent);
      case 'object':
        return this.objectType(schema, indent);
      default:
        return 'unknown';
    }
  }

  private arrayType(schema: Schema, indent: string): string {
    const items = schema.items;
    if (items === undefined) return 'unknown[]';
    // Extra tuple members stay valid (draft-07 allows them unless `additionalItems` says otherwise).
    if (Array.isArray(items)) return `[${items.map((item) => this.expression(item, indent)).join(', ')}, ...unknown[]]`;
    const element = this.expression(items, indent);
    return needsParens(element) ? `(${element})[]` : `${element}[]`;
  }

  private objectType(schema: Schema, indent: string): string {
    if (schema.properties !== undefined) return this.objectBody(schema, indent);
    const values = schema.additionalProperties === undefined ? 'unknown' : this.expression(schema.additionalProperties, indent);
    return `Record<string, ${values}>`;
  }

  // Objects that have both properties and a map of extra values would need an index signature wide
  // enough for every property; none of the specs has one, so the properties alone describe them.
  private objectBody(schema: Schema, indent: string): string {
    const inner = `${indent}  `;
    const required = new Set(schema.required ?? []);
    const lines = Object.entries(schema.properties ?? {}).map(([name, property]) => {
      const key = IDENTIFIER.test(name) ? name : JSON.stringify(name);
      return `${inner}${key}${required.has(name) ? '' : '?'}: ${this.expression(property, inner)};`;
    });
    return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`;
  }
}

function literal(value: JsonValue): string {
  return typeof value === 'object' && value !== null ? 'unknown' : JSON.stringify(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Whether a type expression must be parenthesised inside `&` or before `[]`. */
function needsParens(expression: string): boolean {
  return splitTopLevel(expression, '|').length > 1 || splitTopLevel(expression, '&').length > 1;
}

/** The members of a type expression joined by `operator` outside brackets and string literals. */
function splitTopLevel(expression: string, operator: '|' | '&'): string[] {
  const members: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < expression.length; index += 1) {
    const char = expression.charAt(index);
    if (quoted) {
      if (char === '\\') index += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if ('{([<'.includes(char)) depth += 1;
    else if ('})]>'.includes(char)) depth -= 1;
    else if (depth === 0 && char === operator) {
      members.push(expression.slice(start, index).trim());
      start = index + 1;
    }
  }
  members.push(expression.slice(start).trim());
  return members;
}
