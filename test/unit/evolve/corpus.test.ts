import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { diffDocuments } from '../../../src/core/evolve/documentDiff';
import { loadDocument } from '../../../src/core/evolve/loader';
import { createRefReader } from '../../../src/core/model/refReader';
import { CORPUS } from '../helpers';
import { describeChanges } from './support';

const reader = createRefReader();
const load = (file: string) => loadDocument(readFileSync(file, 'utf8'), file, reader);

/** Every AsyncAPI document of the corpus (shared `common/` files are fragments, not documents). */
function documents(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && !entry.parentPath.includes(`${path.sep}common`))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function counterpart(v26: string): string {
  const relative = path.relative(path.join(CORPUS, 'v2.6'), v26);
  return relative.includes(path.sep) ? path.join(CORPUS, 'v3', relative) : path.join(CORPUS, 'v3', relative.replace(/\.yml$/, '-asyncapi.yml'));
}

/**
 * Where a 2.6 document and its 3.x conversion really differ on the wire, by the rule and class
 * reported, with why. Everything else must compare without a breaking or unclassified change.
 */
const REAL_DIFFERENCES: Record<string, { rule: string; class: string; reason: string }[]> = {
  'mercure.yml': [{ rule: 'type-changed', class: 'breaking', reason: 'The 2.6 parameter {id} is an integer; 3.x parameters are always strings, so "id=abc" is a valid address only in 3.x.' }],
  'rpc-server.yml': [
    { rule: 'pattern-removed', class: 'breaking', reason: 'The 2.6 {queue} parameter has pattern ^amq\\.gen\\-.+$; 3.x parameters cannot carry a pattern, so the server now accepts any queue name.' },
    { rule: 'binding-changed', class: 'unclassified', reason: 'The 2.6 amqp message binding declares replyTo; the 3.x conversion dropped it.' },
  ],
  'rpc-client.yml': [{ rule: 'binding-changed', class: 'unclassified', reason: 'The 2.6 amqp message binding declares replyTo; the 3.x conversion dropped it.' }],
  'gitter-streaming.yml': [
    { rule: 'binding-changed', class: 'unclassified', reason: 'The 2.6 http message binding nests a non-schema `http: { headers }` object and the operation binding says type: response; 3.x has a headers schema and method POST instead.' },
  ],
  'operation-security.yml': [
    { rule: 'binding-changed', class: 'unclassified', reason: 'The 2.6 http operation binding says type: request; the 3.x one does not (http binding 0.3.0 has no type).' },
    { rule: 'type-widened', class: 'breaking', reason: 'The 2.6 http operation binding requires an object headers schema with Content-Type; 3.x moved that header into the message headers, so the operation binding no longer constrains it.' },
    { rule: 'property-removed', class: 'breaking', reason: 'Same move: Content-Type left the http operation binding headers.' },
  ],
};

describe('corpus: every document against itself', () => {
  for (const file of documents(CORPUS)) {
    it(path.relative(CORPUS, file), async () => {
      const report = diffDocuments(await load(file), await load(file));
      assert.deepEqual(report.changes, [], describeChanges(report.changes));
      assert.equal(report.version.requiredBump, 'none');
    });
  }
});

describe('corpus: each 2.6 document against its 3.x conversion', () => {
  for (const file of documents(path.join(CORPUS, 'v2.6'))) {
    const name = path.relative(path.join(CORPUS, 'v2.6'), file);
    it(name, async () => {
      const report = diffDocuments(await load(file), await load(counterpart(file)));
      const notable = report.changes.filter((change) => change.class !== 'non-breaking');
      const expected = REAL_DIFFERENCES[name] ?? [];
      const seen = [...new Set(notable.map((change) => `${change.class} ${change.rule}`))].sort();
      assert.deepEqual(seen, expected.map((entry) => `${entry.class} ${entry.rule}`).sort(), describeChanges(notable));
    });
  }
});
