import { parseDocument, type Document } from 'yaml';

/**
 * The editor asks for outline, code lenses, hovers and definitions of the same version one after
 * another; parsing a 5 MB document takes seconds, so those requests share one parse per text.
 * Few entries: an entry of a large document holds hundreds of megabytes of syntax tree.
 */
const CAPACITY = 3;

class TextCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly compute: (text: string) => T) {}

  get(text: string): T {
    const cached = this.entries.get(text);
    if (cached !== undefined || this.entries.has(text)) {
      // Re-inserted so the map's insertion order is least recently used first.
      this.entries.delete(text);
      this.entries.set(text, cached as T);
      return cached as T;
    }
    const value = this.compute(text);
    this.entries.set(text, value);
    if (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

// Tolerant: a document being typed still parses as far as it is readable.
const documents = new TextCache<Document.Parsed>((text) => parseDocument(text, { strict: false, uniqueKeys: false }));
const plainValues = new TextCache<unknown>((text) => {
  try {
    return parsedYaml(text).toJS({ maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
});

/** The YAML syntax tree of `text` (JSON is YAML). Shared between callers: read it, never change it. */
export function parsedYaml(text: string): Document.Parsed {
  return documents.get(text);
}

/** The plain value of `text` as far as it parses, undefined when it does not. Shared: never change it. */
export function plainValue(text: string): unknown {
  return plainValues.get(text);
}
