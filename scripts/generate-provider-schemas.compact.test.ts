import { describe, expect, it } from 'vitest';
import { compactErrors } from './generate-provider-schemas/compact-errors.js';

const push = (name: string) => `;vErrors=collect(vErrors,${name});errors++;`;

describe('compactErrors', () => {
  it('passes the fields of each error literal to the helper, strings with braces and commas intact', () => {
    const code =
      `if(x){const err3 = {instancePath:instancePath+"/id",schemaPath:"",keyword:"pattern",params:{pattern: "^-?[0-9]{1,15}$"},message:"must match pattern \\""+"^-?[0-9]{1,15}$"+"\\""}${push('err3')}}` +
      `const err4 = {instancePath,schemaPath:"",keyword:"required",params:{missingProperty: "a"},message:"must have required property '"+"a"+"'"}${push('err4')}`;
    expect(compactErrors(code, 'collect')).toBe(
      `if(x){vErrors=collect(vErrors,instancePath+"/id","pattern",{pattern: "^-?[0-9]{1,15}$"},"must match pattern \\""+"^-?[0-9]{1,15}$"+"\\"");errors++;}` +
        `vErrors=collect(vErrors,instancePath,"required",{missingProperty: "a"},"must have required property '"+"a"+"'");errors++;`,
    );
  });

  it('passes no fields for the empty placeholder of an if condition', () => {
    expect(compactErrors(`a;const err0 = {}${push('err0')}b`, 'collect')).toBe('a;vErrors=collect(vErrors);errors++;b');
  });

  it('refuses literals with other fields, and errors used other than by the push right after them', () => {
    expect(() => compactErrors(`const err0 = {instancePath,schemaPath:"",keyword:"x",params:{},message:"m",propertyName:"p"}${push('err0')}`, 'collect')).toThrow(/fields/);
    expect(() => compactErrors(`const err0 = {instancePath,schemaPath:"",keyword:"x",params:{},message:"m"};validate0.errors = [err0];`, 'collect')).toThrow(/not appended/);
  });
});
