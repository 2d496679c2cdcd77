// bench:codegen: Eventscope's full client generation for the largest corpus document, timed next to
// @asyncapi/modelina generating only the TypeScript models of the same document, in the same run.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TypeScriptGenerator } from '@asyncapi/modelina';
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

async function main(): Promise<void> {
  const file = largestDocument();
  const text = readFileSync(file, 'utf8');
  console.log(`document: ${path.relative(process.cwd(), file)} (${text.length} bytes)`);
  // Both sides start from text: parsing is part of each tool's work.
  const eventscope = await median('eventscope generate (types, validators, client, mirror)', async () => {
    const { inventory } = await parseAsyncApi({ text, source: file, reader: createRefReader() });
    const model = buildEventModel(inventory!.resolved)!;
    await generateClient(inventory!.resolved, model, { sourceName: path.basename(file) });
  });
  const generator = new TypeScriptGenerator();
  const modelina = await median('modelina TypeScript models', () => generator.generate(text));
  console.log(`codegen ratio: ${(modelina / eventscope).toFixed(1)}x`);
}

void main();
