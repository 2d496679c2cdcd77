/** Identifier spelling for generated code: one rule, so regenerating never renames anything. */

const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super',
  'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'Object', 'String', 'Number',
  'Boolean', 'Array', 'Date', 'Error', 'Promise', 'Record', 'Map', 'Set', 'Function', 'Symbol', 'Transport', 'Client', 'MirrorClient', 'Validator', 'Subscription', 'WireMessage',
  'TraceContext', 'InvalidMessage', 'Received', 'MessageValidationError', 'RequestTimeoutError',
]);

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** `order.placed`, `order_placed` and `OrderPlaced` all become `OrderPlaced`. */
export function pascalCase(text: string): string {
  const joined = words(text)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  const safe = joined === '' ? 'Unnamed' : /^[0-9]/.test(joined) ? `N${joined}` : joined;
  return RESERVED.has(safe) ? `${safe}Type` : safe;
}

export function camelCase(text: string): string {
  const pascal = pascalCase(text);
  return pascal[0]!.toLowerCase() + pascal.slice(1);
}

/** Hands out names in call order; a taken name falls back to the next, more qualified candidate. */
export class NameRegistry {
  private readonly taken = new Set<string>();

  /** `candidates` go from plainest to most qualified; the last one is made unique by qualifying it further. */
  claim(candidates: string[], qualifier: string): string {
    for (const candidate of candidates) {
      if (!this.taken.has(candidate)) return this.take(candidate);
    }
    const last = candidates[candidates.length - 1] ?? 'Unnamed';
    let qualified = `${last}${qualifier}`;
    while (this.taken.has(qualified)) qualified = `${qualified}${qualifier}`;
    return this.take(qualified);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  private take(name: string): string {
    this.taken.add(name);
    return name;
  }
}
