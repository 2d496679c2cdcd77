/**
 * A deterministic sample value for a JSON Schema: the first of `const`, `examples`, `default`, `enum`,
 * else the smallest value of its type that meets its bounds. Written here rather than taking a faker:
 * a test event should be the same on every click and valid, not random, and this needs ~60 lines.
 */
export function sampleOf(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 12) return null;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((part) => sampleOf(part, depth + 1));
    if (parts.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part))) return Object.assign({}, ...parts) as unknown;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options: unknown = s[key];
    if (Array.isArray(options) && options.length > 0) return sampleOf(options[0] as unknown, depth + 1);
  }
  const types: unknown[] = Array.isArray(s.type) ? (s.type as unknown[]) : [s.type];
  const type = types.find((candidate) => candidate !== 'null') ?? types[0];
  switch (type ?? (s.properties ? 'object' : s.items ? 'array' : undefined)) {
    case 'object': {
      const properties = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, sampleOf(property, depth + 1)]));
    }
    case 'array':
      return Array.from({ length: typeof s.minItems === 'number' ? Math.max(1, s.minItems) : 1 }, () => sampleOf(s.items, depth + 1));
    case 'string':
      return sampleString(s);
    case 'integer':
    case 'number': {
      const minimum = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (type === 'integer' ? 1 : 0.5) : 0;
      const maximum = typeof s.maximum === 'number' ? s.maximum : undefined;
      const value = maximum !== undefined && minimum > maximum ? maximum : minimum;
      return type === 'integer' ? Math.ceil(value) : value;
    }
    case 'boolean':
      return true;
    default:
      return null;
  }
}

const FORMATS: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  email: 'someone@example.com',
  uri: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
};

function sampleString(s: Record<string, unknown>): string {
  if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format] ?? '';
  const fromPattern = typeof s.pattern === 'string' ? sampleOfPattern(s.pattern) : undefined;
  if (fromPattern !== undefined) return fromPattern;
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  const base = 'sample'.padEnd(minLength, 'x');
  return base.slice(0, Math.max(minLength, Math.min(base.length, maxLength)));
}

/**
 * The shortest string of a simple pattern, such as `^ORD-[0-9]{4}-[0-9]{6}$`: literals, classes, `\d`, `\w`,
 * `.` and quantifiers. Groups and alternation are beyond it; it returns undefined for them.
 */
export function sampleOfPattern(pattern: string): string | undefined {
  const source = pattern.replace(/^\^/, '').replace(/\$$/, '');
  let out = '';
  for (let i = 0; i < source.length; ) {
    let unit: string;
    const char = source[i] ?? '';
    if (char === '(' || char === ')' || char === '|') return undefined;
    if (char === '\\') {
      const escaped = source[i + 1] ?? '';
      unit = escaped === 'd' ? '0' : escaped === 'w' ? 'a' : escaped === 's' ? ' ' : escaped;
      i += 2;
    } else if (char === '[') {
      const end = source.indexOf(']', i + 2);
      if (end < 0 || source[i + 1] === '^') return undefined;
      const body = source.slice(i + 1, end);
      unit = body.startsWith('\\d') ? '0' : (body[0] ?? '');
      i = end + 1;
    } else {
      unit = char === '.' ? 'a' : char;
      i++;
    }
    const quantifier = /^(?:\{(\d+)(?:,\d*)?\}|[*+?])/.exec(source.slice(i));
    let count = 1;
    if (quantifier) {
      count = quantifier[1] !== undefined ? Number(quantifier[1]) : quantifier[0] === '+' ? 1 : 0;
      i += quantifier[0].length;
    }
    out += unit.repeat(count);
  }
  try {
    return new RegExp(pattern, 'u').test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}
