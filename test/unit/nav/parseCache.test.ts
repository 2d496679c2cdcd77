import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsedYaml, plainValue } from '../../../src/core/model/parseCache';

describe('parse cache', () => {
  it('parses one text once, and a changed text anew', () => {
    const text = 'a: 1\nb: [x, y]\n';
    assert.equal(parsedYaml(text), parsedYaml(`${text}`.slice(0)));
    assert.equal(plainValue(text), plainValue(text));
    assert.deepEqual(plainValue(text), { a: 1, b: ['x', 'y'] });
    assert.deepEqual(plainValue('a: 2\n'), { a: 2 });
  });

  it('keeps only the few most recently used texts', () => {
    const first = 'first: true\n';
    const kept = parsedYaml(first);
    for (const other of ['x: 1\n', 'y: 1\n']) parsedYaml(other);
    assert.equal(parsedYaml(first), kept, 'still among the last three');
    for (const other of ['x: 2\n', 'y: 2\n', 'z: 2\n']) parsedYaml(other);
    assert.notEqual(parsedYaml(first), kept, 'evicted after three newer texts');
  });

  it('gives undefined for text that is not YAML at all', () => {
    assert.equal(plainValue('a: *missing\n'), undefined);
  });
});
