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
 * bounded. Insertion order lives in a ring of keys rather than in the Map, because evicting a Map's first
 * key again and again makes V8 walk ever more deleted slots.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, { value: V; generation: number }>();
  private readonly order: Ring<{ key: K; generation: number }>;
  private generation = 0;

  constructor(limit: number) {
    this.order = new Ring(limit);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Updating a key keeps its place; only a new key takes a slot (and may evict the oldest). */
  set(key: K, value: V): this {
    const entry = this.entries.get(key);
    if (entry) {
      entry.value = value;
      return this;
    }
    const generation = ++this.generation;
    this.entries.set(key, { value, generation });
    const evicted = this.order.push({ key, generation });
    // A slot whose key was deleted and set again since belongs to the newer entry's own slot.
    if (evicted && this.entries.get(evicted.key)?.generation === evicted.generation) this.entries.delete(evicted.key);
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }
}
