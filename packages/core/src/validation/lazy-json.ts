/**
 * JSON data parsed on first read, for the generated schema files: they hold a few hundred kilobytes of
 * JSON text, and parsing it at import made every application pay for it at start-up (about 5 ms), even
 * for providers it never receives.
 *
 * Both helpers return ordinary objects (a plain object, a real array) whose properties are getters until
 * any one of them is read. That first read parses the text once and turns every property into a plain
 * data property holding the parsed value, as `JSON.parse` would have made it. Listing the keys
 * (`Object.keys`, `Object.hasOwn`, `in`) or the length does not parse anything.
 */

/**
 * An object with exactly `keys`, in that order, whose values are parsed from `text` (a JSON object with
 * the same keys in the same order) on the first read of any of them.
 */
export function lazyJsonRecord<K extends string, V = object>(keys: readonly K[], text: string): Readonly<Record<K, V>> {
  const record = {} as Record<K, V>;
  const materialize = (): void => {
    const parsed = JSON.parse(text) as Record<string, V>;
    const parsedKeys = Object.keys(parsed);
    if (parsedKeys.length !== keys.length || keys.some((key, index) => parsedKeys[index] !== key)) {
      throw new Error('lazyJsonRecord: the JSON text does not have the declared keys in the declared order');
    }
    for (const key of keys) defineValue(record, key, parsed[key]);
  };
  for (const key of keys) defineGetter(record, key, materialize);
  return record;
}

/** An array of `length` elements parsed from `text` (a JSON array of that length) on the first read of any. */
export function lazyJsonArray<V = object>(length: number, text: string): readonly V[] {
  const array: V[] = [];
  const materialize = (): void => {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== length) {
      throw new Error(`lazyJsonArray: the JSON text is not an array of ${length} elements`);
    }
    parsed.forEach((value: V, index) => defineValue(array, index, value));
  };
  for (let index = 0; index < length; index += 1) defineGetter(array, index, materialize);
  return array;
}

function defineGetter(target: object, key: PropertyKey, materialize: () => void): void {
  Object.defineProperty(target, key, {
    get(): unknown {
      materialize();
      return (target as Record<PropertyKey, unknown>)[key];
    },
    enumerable: true,
    configurable: true,
  });
}

function defineValue(target: object, key: PropertyKey, value: unknown): void {
  // Deleted first: V8 turns an accessor into a data property in place by copying the object's whole
  // property layout, which for Vital's 194 event types took 25–35 ms. Deleting puts the object in
  // dictionary mode, where each redefinition is cheap. A re-added key goes last, and every key is
  // re-added in the original order, so the order ends as it began.
  delete (target as Record<PropertyKey, unknown>)[key];
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
