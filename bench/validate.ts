/**
 * Edit-to-diagnostics latency: Eventscope's validation worker (warm validators) against a fresh
 * `@asyncapi/parser` parse of the same edited text, over every corpus document, in one run.
 * Needs `dist/validationWorker.js` (npm run build). Last line: `validate speedup: N.Nx`.
 */
import { Parser } from '@asyncapi/parser';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ValidationClient } from '../src/core/worker/validationClient';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.join(ROOT, 'test/fixtures/corpus');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function documents(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return documents(full);
    return /\.ya?ml$/.test(name) && !full.includes(`${path.sep}common${path.sep}`) ? [full] : [];
  });
}

/** A realistic keystroke: the info title grows by one character. */
function edit(text: string, round: number): string {
  return text.replace(/^(\s*title:\s*['"]?)/m, `$1${'x'.repeat(round + 1)}`);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const client = new ValidationClient(path.join(ROOT, 'dist/validationWorker.js'));
  const ours: number[] = [];
  const reference: number[] = [];
  const files = documents(CORPUS);
  console.log(`${files.length} documents, ${ROUNDS} edits each`);
  console.log('document'.padEnd(72), 'eventscope ms', 'parser ms');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    await client.validate({ file, text }); // the document is open before the user types
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const edited = edit(text, round);
      let started = performance.now();
      await client.validate({ file, text: edited });
      mine.push(performance.now() - started);
      started = performance.now();
      await new Parser().parse(edited, { source: file });
      theirs.push(performance.now() - started);
    }
    ours.push(...mine);
    reference.push(...theirs);
    console.log(path.relative(CORPUS, file).padEnd(72), median(mine).toFixed(1).padStart(13), median(theirs).toFixed(1).padStart(9));
  }
  await client.dispose();
  const oursMedian = median(ours);
  const referenceMedian = median(reference);
  console.log(`median edit→diagnostics: eventscope ${oursMedian.toFixed(1)} ms, fresh @asyncapi/parser parse ${referenceMedian.toFixed(1)} ms`);
  console.log(`validate speedup: ${(referenceMedian / oursMedian).toFixed(1)}x`);
}

void main();
