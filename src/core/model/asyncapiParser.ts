import { Parser, type Diagnostic } from '@asyncapi/parser';
import { Resolver } from '@stoplight/spectral-ref-resolver';
// The public `validate()` drops the Spectral document, whose inventory maps findings back to files.
import { validate as validateInternal } from '@asyncapi/parser/cjs/validate';

type ValidateWithExtras = (
  parser: Parser,
  spectral: unknown,
  text: string,
  options: { source: string },
) => Promise<{ diagnostics: Diagnostic[]; extras?: { document?: { __documentInventory?: DocumentInventoryLike } } }>;
const validateWithExtras = validateInternal as unknown as ValidateWithExtras;

/** Reads the files a document's relative `$ref`s name: open editor buffers first, then disk. */
export interface RefReader {
  readFile(path: string): Promise<string>;
  /** Fetches a remote `$ref`; absent when the user has not allowed remote refs. */
  fetchRemote?(url: string): Promise<string>;
}

export class RemoteRefDisabledError extends Error {
  constructor(url: string) {
    super(`Remote $ref not fetched: ${url}. Remote references are off (setting "eventscope.remoteRefs", never on in an untrusted workspace).`);
    this.name = 'RemoteRefDisabled';
  }
}

interface RuleLike {
  name: string;
  then: { function: (input: unknown, options: unknown, context: { documentInventory: object }) => unknown }[];
}

interface SpectralInternals {
  _resolver: unknown;
  ruleset: { rules: Record<string, RuleLike> } | null;
}

/**
 * Spectral keys its ajv instances by the run's DocumentInventory, so every parse recompiles the
 * AsyncAPI meta-schemas (~300 ms, asyncapi/parser-js#252). Rules see instead one long-lived proxy
 * that forwards to the current run's inventory: compiled validators survive between parses.
 */
class WarmInventoryKey {
  private current: object = {};
  private uses = 0;
  private proxy = this.createProxy();
  /** ajv caches every schema it compiles; a fresh key now and then lets old ones be collected. */
  private static readonly ROTATE_AFTER = 200;

  private createProxy(): object {
    return new Proxy(
      {},
      {
        get: (_target, key) => {
          const value: unknown = Reflect.get(this.current, key, this.current);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(this.current) : value;
        },
        has: (_target, key) => Reflect.has(this.current, key),
      },
    );
  }

  /** A key for one parse; `isolated` parses (user schemas with `$id`, which ajv caches by id) get a private one. */
  keyFor(isolated: boolean): { bind(inventory: object): object } {
    if (isolated) return { bind: (inventory) => inventory };
    if (++this.uses > WarmInventoryKey.ROTATE_AFTER) {
      this.uses = 0;
      this.proxy = this.createProxy();
    }
    const proxy = this.proxy;
    return {
      bind: (inventory) => {
        this.current = inventory;
        return proxy;
      },
    };
  }
}

const warmKey = new WarmInventoryKey();

export interface ParseRequest {
  text: string;
  source: string;
  reader: RefReader;
  /** Extra Spectral rules and severity overrides (from a project `.spectral.yaml`). */
  ruleset?: { rules: Record<string, unknown> };
}

export interface ParseResult {
  diagnostics: Diagnostic[];
  /** Spectral's inventory of the run: resolved data and the map from resolved paths back to files. */
  inventory: DocumentInventoryLike | undefined;
}

export interface DocumentInventoryLike {
  resolved: unknown;
  findAssociatedItemForPath(
    path: (string | number)[],
    resolved: boolean,
  ): { path: (string | number)[]; document: { source: string | null; getRangeForJsonPath(path: (string | number)[], closest?: boolean): { start: { line: number; character: number }; end: { line: number; character: number } } | undefined } } | null;
}

function createResolver(reader: RefReader): unknown {
  const fetchRemote = async (ref: { href(): string }): Promise<string> => {
    const url = ref.href();
    if (!reader.fetchRemote) throw new RemoteRefDisabledError(url);
    return reader.fetchRemote(url);
  };
  return new Resolver({
    resolvers: {
      file: { resolve: (ref: { href(): string }) => reader.readFile(ref.href()) },
      http: { resolve: fetchRemote },
      https: { resolve: fetchRemote },
    },
  });
}

/**
 * One `@asyncapi/parser` validation run with warm validators and our own `$ref` reader.
 * A new Parser per run (a few ms) because a reused one maps findings in referenced files wrongly.
 */
export async function parseAsyncApi(request: ParseRequest): Promise<ParseResult> {
  const parser = new Parser(request.ruleset ? { ruleset: request.ruleset as never } : {});
  const spectral = (parser as unknown as { spectral: SpectralInternals }).spectral;
  // Referenced files are read before any rule runs, so a `$id` in any of them is known by then.
  let hasSchemaId = request.text.includes('$id');
  spectral._resolver = createResolver({
    ...request.reader,
    readFile: async (path) => {
      const content = await request.reader.readFile(path);
      hasSchemaId ||= content.includes('$id');
      return content;
    },
  });
  const warm = warmKey.keyFor(false);
  const isolated = warmKey.keyFor(true);
  const key = { bind: (inventory: object): object => (hasSchemaId ? isolated : warm).bind(inventory) };
  for (const rule of Object.values(spectral.ruleset?.rules ?? {})) {
    // asyncapi-internal hands the inventory itself on to the parser's later steps.
    if (rule.name === 'asyncapi-internal') continue;
    rule.then = rule.then.map((then) => {
      const run = then.function;
      const warm = (input: unknown, options: unknown, context: { documentInventory: object }): unknown =>
        run(input, options, { ...context, documentInventory: key.bind(context.documentInventory) });
      Object.defineProperty(warm, 'name', { value: run.name });
      return { ...then, function: warm };
    });
  }
  const { diagnostics, extras } = await validateWithExtras(parser, spectral, request.text, { source: request.source });
  return { diagnostics, inventory: extras?.document?.__documentInventory };
}
