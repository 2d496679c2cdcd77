import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CORE_SCHEMA, load } from 'js-yaml';
import { PositionIndex } from '../../../src/core/evolve/positions';
import { SourceMap } from '../../../src/core/model/sourceMap';
import type { Range } from '../../../src/shared/findings';
import { CORPUS } from '../helpers';

function pointers(value: unknown, at: string[], into: string[][]): string[][] {
  into.push(at);
  if (Array.isArray(value)) value.forEach((item, index) => pointers(item, [...at, String(index)], into));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) pointers(item, [...at, key], into);
  return into;
}

describe('PositionIndex', () => {
  it('gives the ranges SourceMap gives, for every value and key of every corpus file', () => {
    const files = readdirSync(CORPUS, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name));
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const index = PositionIndex.build(text);
      assert.ok(index, file);
      const reference = new SourceMap(text);
      // A missing path falls back to its deepest existing key (or the whole document): same start.
      for (const missing of [['no-such-key'], ['info', 'no-such-key', 'deeper']]) {
        assert.deepEqual(index.rangeOf(missing).start, reference.rangeOf(missing).start, `${path.basename(file)} ${missing.join('/')}`);
      }
      for (const pointer of pointers(load(text, { schema: CORE_SCHEMA, json: true }), [], [])) {
        const value: Range = index.rangeOf(pointer);
        const expected: Range = reference.rangeOf(pointer);
        // A block scalar (`description: |`) ends at its last character here, at the next line in SourceMap.
        const blockScalar: boolean = expected.end.character === 0 && expected.end.line > value.end.line;
        assert.deepEqual(blockScalar ? value.start : value, blockScalar ? expected.start : expected, `${path.basename(file)} ${pointer.join('/')}`);
        assert.deepEqual(index.rangeOf(pointer, 'key').start, reference.rangeOf(pointer, 'key').start, `${path.basename(file)} ${pointer.join('/')} (key)`);
        compared++;
      }
    }
    assert.ok(compared > 5000, `only ${compared} pointers`);
  });

  it('reads JSON and flow collections, and gives up on text that does not parse', () => {
    const json = '{\n  "info": { "version": "1.0.0" },\n  "list": [1, [2, 3]]\n}';
    const index = PositionIndex.build(json);
    assert.deepEqual(index?.rangeOf(['info', 'version']), new SourceMap(json).rangeOf(['info', 'version']));
    assert.deepEqual(index?.rangeOf(['list', '1', '0']), new SourceMap(json).rangeOf(['list', '1', '0']));
    assert.equal(PositionIndex.build('a: [unclosed'), undefined);
  });
});
