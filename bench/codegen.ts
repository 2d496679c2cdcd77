// bench:codegen: Eventscope's full client generation for the largest corpus document, timed next to
// @asyncapi/modelina generating only the TypeScript models of the same document, in the same run.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TypeScriptGenerator } from '@asyncapi/modelina';
import { Parser } from '@asyncapi/parser';
import { generateClient } from '../src/core/codegen/generate';
import { parseAsyncApi } from '../src/core/model/asyncapiParser';
import { buildEventModel } from '../src/core/model/eventModel';
import { createRefReader } from '../src/core/model/refReader';

const CORPUS = path.resolve(__dirname, '../test/fixtures/corpus');
const ROUNDS = 5;

function largestDocument(): string {
  const files = ['v2.6', 'v3'].flatMap((version) =>
    readdirSync(path.join(CORPUS, version)).filter((name) => /\.ya?ml$/.test(name)).map((name) => path.join(CORPUS, version, name)),
  );
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

async function median(label: string, task: () => Promise<unknown>): Promise<number> {
  await task();
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  const result = times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
  console.log(`${label}: ${result.toFixed(1)} ms (median of ${ROUNDS})`);
  return result;
}

/**
 * Modelina 5 accepts AsyncAPI up to 3.0.0; a 3.1.0 document silently falls through to its default input
 * processor, which makes a single `Root` model of the text. It gets the same document labelled 3.0.0 (the corpus
 * document uses nothing 3.1 added), and the bench refuses to compare against a run that generated no real models.
 */
function forModelina(text: string): string {
  return text.replace(/^asyncapi:\s*['"]?3\.1\.\d+['"]?\s*$/m, 'asyncapi: 3.0.0');
}

function assertRealModels(models: { modelName: string }[]): void {
  if (models.length < 2) throw new Error(`modelina generated ${models.map((model) => model.modelName).join(', ') || 'nothing'}: not a comparable run`);
}

async function main(): Promise<void> {
  const file = largestDocument();
  const text = readFileSync(file, 'utf8');
  console.log(`document: ${path.relative(process.cwd(), file)} (${text.length} bytes)`);
  const parse = async (): Promise<{ resolved: unknown; model: NonNullable<ReturnType<typeof buildEventModel>> }> => {
    const { inventory } = await parseAsyncApi({ text, source: file, reader: createRefReader() });
    return { resolved: inventory!.resolved, model: buildEventModel(inventory!.resolved)! };
  };
  const generate = ({ resolved, model }: Awaited<ReturnType<typeof parse>>): Promise<unknown> =>
    generateClient(resolved, model, { sourceName: path.basename(file) });
  const generator = new TypeScriptGenerator();
  const modelinaText = forModelina(text);

  // For reference only: the generators alone, each from its own parsed document.
  const parsed = await parse();
  const { document } = await new Parser().parse(modelinaText);
  assertRealModels(await generator.generate(document!));
  await median('eventscope from a parsed document', () => generate(parsed));
  await median('modelina from a parsed document', () => generator.generate(document!));

  // Both sides start from text: parsing and validating the document is part of each tool's work.
  const eventscope = await median('eventscope generate (types, validators, client, mirror)', async () => generate(await parse()));
  const modelina = await median('modelina TypeScript models', async () => assertRealModels(await generator.generate(modelinaText)));
  console.log(`codegen ratio: ${(modelina / eventscope).toFixed(1)}x`);
}

void main();
