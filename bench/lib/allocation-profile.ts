// Summarises a V8 sampling heap profile taken with the objects collected by GC kept in it
// (`HeapProfiler.startSampling` with `includeObjectsCollectedByMajorGC/MinorGC`): bytes allocated per
// delivery, by the function that allocated them. Garbage, not live memory: what scavenges pay for.
import { readFileSync } from 'node:fs';
import { label } from './cpu-profile.js';

interface AllocationNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly AllocationNode[];
}

export interface FunctionAllocation {
  readonly name: string;
  /** Bytes per delivery allocated in the function itself. */
  readonly bytes: number;
}

export function summarizeAllocations(path: string, deliveries: number): { readonly bytesPerDelivery: number; readonly functions: FunctionAllocation[] } {
  const { head } = JSON.parse(readFileSync(path, 'utf8')) as { head: AllocationNode };
  const bytes = new Map<string, number>();
  let total = 0;
  const visit = (node: AllocationNode): void => {
    total += node.selfSize;
    if (node.selfSize > 0) bytes.set(label(node), (bytes.get(label(node)) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(head);
  return {
    bytesPerDelivery: total / deliveries,
    functions: [...bytes].map(([name, size]) => ({ name, bytes: size / deliveries })).sort((a, b) => b.bytes - a.bytes),
  };
}
