/**
 * Two versions of a generated 3.0 document with 1,000 channels: Eventscope's diff (YAML text to
 * classified report, `$ref`s resolved) against `@asyncapi/diff` on the same pair, through the pipeline its
 * README prescribes (@asyncapi/parser, then diff). The comparing step alone is printed too, both tools
 * given parsed documents. Medians over rounds. Last line: `diff speedup: N.Nx`.
 */
import { diff as asyncapiDiff } from '@asyncapi/diff';
import path from 'node:path';
import { stringify } from 'yaml';
import { Parser } from '@asyncapi/parser';
import { diffDocuments } from '../src/core/evolve/documentDiff';
import { loadDocument } from '../src/core/evolve/loader';
import { createRefReader } from '../src/core/model/refReader';

const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

/** One channel per entity, each with a send or receive operation and a message over a shared schema. */
function generate(version: 2 | 1): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Audit: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, by: { type: 'string' } }, required: ['at'] },
  };
  for (let i = 0; i < CHANNELS; i++) {
    // Version 2 changes every 20th entity in a different way, and drops one channel in 100.
    const changed = version === 2 && i % 20 === 0;
    if (version === 2 && i % 100 === 99) continue;
    const properties: Record<string, unknown> = {
      id: { type: 'string', format: 'uuid' },
      status: { type: 'string', enum: changed && i % 40 === 0 ? ['new', 'done', 'failed'] : ['new', 'done'] },
      amount: { type: 'number', minimum: 0, maximum: changed ? 500 : 1000 },
      tags: { type: 'array', items: { type: 'string' } },
      audit: { $ref: '#/components/schemas/Audit' },
    };
    schemas[`Entity${i}`] = { type: 'object', additionalProperties: false, properties, required: changed ? ['id', 'status'] : ['id'] };
    messages[`entity${i}Changed`] = {
      name: `entity${i}Changed`,
      contentType: 'application/json',
      headers: { type: 'object', properties: { traceId: { type: 'string' } } },
      payload: { $ref: `#/components/schemas/Entity${i}` },
    };
    channels[`entity${i}`] = {
      address: `tenant.{tenantId}.entity${i}.changed`,
      parameters: { tenantId: { description: 'Tenant' } },
      messages: { [`entity${i}Changed`]: { $ref: `#/components/messages/entity${i}Changed` } },
    };
    operations[`on${i}`] = {
      action: i % 2 ? 'send' : 'receive',
      channel: { $ref: `#/channels/entity${i}` },
      messages: [{ $ref: `#/channels/entity${i}/messages/entity${i}Changed` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: { title: 'Generated', version: version === 2 ? '1.1.0' : '1.0.0' },
    servers: { prod: { host: 'broker:9092', protocol: 'kafka' } },
    channels,
    operations,
    components: { messages, schemas },
  };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

async function main(): Promise<void> {
  const oldText = stringify(generate(1));
  const newText = stringify(generate(2));
  const reader = createRefReader();
  const dir = path.resolve(__dirname, 'generated');
  console.log(`${CHANNELS} channels, ${(oldText.length / 1024).toFixed(0)} KiB of YAML per version, ${ROUNDS} rounds`);

  const ours: number[] = [];
  const ourEngine: number[] = [];
  const withRanges: number[] = [];
  const theirs: number[] = [];
  let ourCount = 0;
  let theirCount = 0;
  let started = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // What `eventscope diff --format json` does: YAML text to classified report.
    started = performance.now();
    const oldDoc = await loadDocument(oldText, path.join(dir, 'v1.yaml'), reader);
    const newDoc = await loadDocument(newText, path.join(dir, 'v2.yaml'), reader);
    const engineStart = performance.now();
    const report = diffDocuments(oldDoc, newDoc, { ranges: false });
    ourEngine.push(performance.now() - engineStart);
    ours.push(performance.now() - started);
    ourCount = report.changes.length;
  }
  for (let round = 0; round < Math.min(ROUNDS, 3); round++) {
    // Text, markdown, SARIF and the editor also want each change's line and column in both versions.
    started = performance.now();
    diffDocuments(await loadDocument(oldText, path.join(dir, 'v1.yaml'), reader), await loadDocument(newText, path.join(dir, 'v2.yaml'), reader));
    withRanges.push(performance.now() - started);
  }

  // @asyncapi/diff compares parsed documents (its README: `diff(parsed.json(), …)`), so its pipeline
  // starts with @asyncapi/parser, which also resolves the $refs it would otherwise compare as strings.
  // Measured after Eventscope, so the parser's large heap does not slow Eventscope's rounds down.
  const parser = new Parser();
  started = performance.now();
  const parsedOld = (await parser.parse(oldText)).document?.json();
  const parsedNew = (await parser.parse(newText)).document?.json();
  const parseTime = performance.now() - started;
  if (!parsedOld || !parsedNew) throw new Error('@asyncapi/parser rejected the generated document');
  for (let round = 0; round < ROUNDS; round++) {
    started = performance.now();
    const output = asyncapiDiff(parsedOld, parsedNew);
    theirCount = (output.getOutput() as { changes: unknown[] }).changes.length;
    theirs.push(performance.now() - started);
  }
  const mine = median(ours);
  const theirDiff = median(theirs);
  console.log(`eventscope      ${mine.toFixed(1)} ms  YAML text → classified report (${ourCount} changes); of which comparing ${median(ourEngine).toFixed(1)} ms`);
  console.log(`  with ranges   ${median(withRanges).toFixed(1)} ms  plus the line and column of every change in both versions`);
  console.log(`@asyncapi/diff  ${(parseTime + theirDiff).toFixed(1)} ms  = @asyncapi/parser ${parseTime.toFixed(1)} ms (both versions, once) + diff ${theirDiff.toFixed(1)} ms (${theirCount} changes)`);
  console.log(`comparing only: eventscope ${median(ourEngine).toFixed(1)} ms vs @asyncapi/diff ${theirDiff.toFixed(1)} ms on already parsed documents (${(theirDiff / median(ourEngine)).toFixed(1)}x)`);
  console.log(`diff speedup: ${((parseTime + theirDiff) / mine).toFixed(1)}x`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
