/**
 * The base of typed events whose derived fields (`points`, `records`, ...) are computed on first access
 * and then kept: getters on the event's class, so building the event costs a few own properties and
 * a handler that never reads them never pays for them.
 *
 * Why getters on a class and not lazy own properties: defining an accessor on each event
 * (`Object.defineProperty`, or `get points()` in an object literal) puts the object in V8's slow
 * dictionary mode and costs about a microsecond per event, more than the rest of the build; a class
 * instance costs tens of nanoseconds. The price is that the lazy fields are not own properties:
 * `Object.keys(event)`, `{ ...event }` and `structuredClone(event)` leave them out. `JSON.stringify`
 * includes them (through `toJSON`), and so do `console.log` and `util.inspect`.
 */
export abstract class LazyEvent {
  /** The derived fields, computed (once) for serialising. */
  protected abstract lazyFields(): object;

  /** The event as a plain object: its own fields and the derived ones, for `JSON.stringify`. */
  toJSON(): object {
    return { ...this, ...this.lazyFields() };
  }

  /** `console.log(event)` shows the derived fields as well, as it did when they were own properties. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return this.toJSON();
  }
}
