import type { ProviderModel } from './build-model.js';
import { header, names } from './file-header.js';
import { TypeEmitter } from './type-emitter.js';

// Names the generated code uses itself, or that would shadow globals its readers expect.
const RESERVED = ['Array', 'Record', 'Partial', 'Readonly', 'Date', 'Object', 'String', 'Number', 'Boolean', 'Error'];

/** types.ts: the event → payload map, one payload type per event, one type per shared schema. */
export function emitTypes(model: ProviderModel): string {
  const { prefix } = names(model);
  const typeNames = new Map<string, string>();
  const used = new Set<string>(RESERVED);
  for (const [component, schema] of model.sharedSchemas) {
    const name = uniqueName(component.replace(/[^A-Za-z0-9_$]/g, '_'), used);
    typeNames.set(schema.$id ?? '', name);
  }
  const payloadNames = new Map<string, string>();
  for (const eventType of model.eventSchemas.keys()) {
    // `s3_payload` → TerraS3Payload, not TerraS3PayloadPayload.
    const base = pascalCase(eventType).replace(/Payload$/, '');
    payloadNames.set(eventType, uniqueName(`${prefix}${base}Payload`, used));
  }

  const byId = new Map([...model.sharedSchemas.values()].map((schema) => [schema.$id ?? '', schema]));
  const emitter: TypeEmitter = new TypeEmitter({
    ofRef(ref) {
      const name = typeNames.get(ref);
      if (name === undefined) throw new Error(`No shared schema ${ref}`);
      return name;
    },
    isInterface: (ref) => {
      const schema = byId.get(ref);
      return schema !== undefined && emitter.declaresInterface(schema);
    },
  });

  const payloads = [...model.eventSchemas].map(([eventType, schema]) =>
    emitter.declaration(payloadNames.get(eventType) ?? '', schema),
  );
  const mapLines = [...payloadNames].map(([eventType, name]) => `  ${JSON.stringify(eventType)}: ${name};`);
  const components = [...model.sharedSchemas.values()].map((schema) => {
    const { $id, ...rest } = schema;
    return emitter.declaration(typeNames.get($id ?? '') ?? '', rest);
  });
  return (
    `${header(model)}\n` +
    `/** The payload type of each event type. */\n` +
    `export interface ${prefix}PayloadMap {\n${mapLines.join('\n')}\n}\n\n` +
    `export type ${prefix}Payload = ${prefix}PayloadMap[keyof ${prefix}PayloadMap];\n\n` +
    `${payloads.join('\n')}\n${components.join('\n')}`
  );
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n += 1) name = `${base}${n}`;
  used.add(name);
  return name;
}

function pascalCase(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
