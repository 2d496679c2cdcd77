/** A fixed-capacity ring: the newest `capacity` items, oldest first; pushing past the bound evicts the oldest. */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an item; returns the one it evicted, if the ring was full. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count++) % this.capacity] = item;
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}

/**
 * A map that forgets its oldest insertions beyond `limit`: lookup tables for duplicates and causality stay
 * bounded. Keys and values live in slots of a ring, in insertion order, and the Map holds each key's slot:
 * no object per entry for the garbage collector, and no evicting of a Map's first key again and again,
 * which makes V8 walk ever more deleted slots.
 */
export class BoundedMap<K, V> {
  private readonly slotOf = new Map<K, number>();
  /** Filled slot by slot, so they hold no more slots than the map has used. */
  private readonly keys: (K | undefined)[] = [];
  private readonly values: (V | undefined)[] = [];
  private next = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`bounded map limit must be a positive integer, not ${limit}`);
  }

  get size(): number {
    return this.slotOf.size;
  }

  get(key: K): V | undefined {
    const slot = this.slotOf.get(key);
    return slot === undefined ? undefined : this.values[slot];
  }

  has(key: K): boolean {
    return this.slotOf.has(key);
  }

  /** Updating a key keeps its place; only a new key takes a slot (and may evict the oldest). */
  set(key: K, value: V): this {
    const known = this.slotOf.get(key);
    if (known !== undefined) {
      this.values[known] = value;
      return this;
    }
    const slot = this.next;
    this.next = (slot + 1) % this.limit;
    const evicted = this.keys[slot];
    // A key deleted since it took this slot may have taken a newer one, which stays.
    if (evicted !== undefined && this.slotOf.get(evicted) === slot) this.slotOf.delete(evicted);
    this.keys[slot] = key;
    this.values[slot] = value;
    this.slotOf.set(key, slot);
    return this;
  }

  delete(key: K): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    this.slotOf.delete(key);
    // The slot keeps the key until it is reused, but not the value.
    this.values[slot] = undefined;
    return true;
  }
}
