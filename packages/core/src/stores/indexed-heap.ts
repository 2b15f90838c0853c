/**
 * A binary min-heap whose items know their own position, so an item can be removed or re-keyed in
 * O(log n) without searching. The memory store keeps its due, lease and retention queues in these, so
 * no hot operation walks every delivery it holds.
 */
export class IndexedHeap<T> {
  private readonly items: T[] = [];

  /**
   * `before(a, b)`: whether `a` comes out first. `slot` reads and writes the item's position in this
   * heap (-1 when it is not in it); each heap an item can be in needs its own slot.
   */
  constructor(
    private readonly before: (a: T, b: T) => boolean,
    private readonly slot: { get(item: T): number; set(item: T, index: number): void },
  ) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  has(item: T): boolean {
    const index = this.slot.get(item);
    return index >= 0 && this.items[index] === item;
  }

  push(item: T): void {
    if (this.has(item)) {
      this.update(item);
      return;
    }
    this.items.push(item);
    this.slot.set(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes the item if it is in the heap. */
  remove(item: T): void {
    if (!this.has(item)) return;
    const index = this.slot.get(item);
    const last = this.items.pop()!;
    this.slot.set(item, -1);
    if (index === this.items.length) return;
    this.items[index] = last;
    this.slot.set(last, index);
    this.down(index);
    this.up(index);
  }

  /** Restores the order after the item's key changed. */
  update(item: T): void {
    if (!this.has(item)) return;
    const index = this.slot.get(item);
    this.down(index);
    this.up(index);
  }

  private up(index: number): void {
    const { items } = this;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(items[index]!, items[parent]!)) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private down(index: number): void {
    const { items } = this;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let first = index;
      if (left < items.length && this.before(items[left]!, items[first]!)) first = left;
      if (right < items.length && this.before(items[right]!, items[first]!)) first = right;
      if (first === index) return;
      this.swap(index, first);
      index = first;
    }
  }

  private swap(a: number, b: number): void {
    const { items } = this;
    const itemA = items[a]!;
    const itemB = items[b]!;
    items[a] = itemB;
    items[b] = itemA;
    this.slot.set(itemB, a);
    this.slot.set(itemA, b);
  }
}
