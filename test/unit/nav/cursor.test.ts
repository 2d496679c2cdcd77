import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cursorContext } from '../../../src/core/nav/cursor';
import { withCursor } from './support';

function at(marked: string): ReturnType<typeof cursorContext> {
  const { text, offset } = withCursor(marked);
  return cursorContext(text, offset);
}

describe('cursor context in YAML being typed', () => {
  it('takes the path from indentation', () => {
    assert.deepEqual(at('channels:\n  a:\n    messages:\n      m:\n        §\n  b:\n    address: x\n')?.container, ['channels', 'a', 'messages', 'm']);
    assert.deepEqual(at('channels:\n  a:\n    messages:\n      m:\n        payload: {}\n    §')?.container, ['channels', 'a']);
    assert.deepEqual(at('channels:\r\n  a:\r\n    §')?.container, ['channels', 'a'], 'CRLF');
  });

  it('counts sequence items, nested, indentless and opened on the cursor line', () => {
    const nested = at('operations:\n  x:\n    messages:\n      - $ref: a\n      - $ref: b\n      - §');
    assert.deepEqual(nested?.container, ['operations', 'x', 'messages', '2']);
    assert.deepEqual(at('tags:\n- name: a\n  description: d\n- name: b\n  §')?.container, ['tags', '1']);
    assert.deepEqual(at('a:\n  - - x\n    - §')?.container, ['a', '0', '1']);
  });

  it('skips comments, block scalars and folded text above the cursor', () => {
    const text = 'info:\n  description: >-\n    folded: text that looks\n      like: keys\n  # note: a comment\n  §';
    assert.deepEqual(at(text)?.container, ['info']);
    assert.deepEqual(at(text)?.presentKeys, ['description']);
    assert.deepEqual(at('a: &anchor\n  b: 1\n  §')?.container, ['a'], 'an anchor alone still opens a block');
  });

  it('collects the keys of the mapping on both sides of the cursor', () => {
    const context = at('op:\n  action: send\n  nested:\n    deep: 1\n  §\n  channel:\n    $ref: x\n  - weird\nnext: 1\n');
    assert.deepEqual(context?.presentKeys.sort(), ['action', 'channel', 'nested']);
    assert.deepEqual(at('list:\n  - a: 1\n    b: 2\n  - §\n    c: 3\n  - d: 4\n')?.presentKeys, ['c'], 'only its own item');
  });

  it('reads a value being typed with its quote and span', () => {
    const { text, offset } = withCursor("x:\n  $ref: '#/comp§onents' # note\n");
    const context = cursorContext(text, offset);
    assert.equal(context?.position, 'value');
    assert.equal(context?.key, '$ref');
    assert.equal(text.slice(context?.replaceStart, offset), '#/comp');
    assert.equal(context?.quote, "'");
    assert.equal(text.slice(context?.replaceStart, context?.replaceEnd), "#/components'");
    const bare = at('x:\n  action: se§nd # c\n');
    assert.equal(bare?.replaceStart, 'x:\n  action: '.length);
    assert.equal(bare?.replaceEnd, 'x:\n  action: send'.length);
  });

  it('refuses places that are not keys or values', () => {
    assert.equal(at('info:\n  description: |\n    text\n    §'), undefined);
    assert.equal(at("x:\n  title: 'done' §"), undefined);
    assert.equal(at('x: 1 # comm§ent'), undefined);
  });
});

describe('cursor context in JSON being typed', () => {
  it('tracks objects and arrays up to the cursor', () => {
    const context = at('{"operations": {"x": {"messages": [{"$ref": "a"}, {"$ref": "b"}, {§');
    assert.deepEqual(context?.container, ['operations', 'x', 'messages', '2']);
    assert.equal(context?.position, 'key');
  });

  it('reads keys and values being typed', () => {
    const key = at('{"a": 1, "b§": 2, "c": {"d": 3}, "e": 4}');
    assert.equal(key?.position, 'key');
    assert.equal(key?.replaceStart, '{"a": 1, "'.length);
    assert.equal(key?.colonFollows, true);
    assert.deepEqual(key?.presentKeys, ['a', 'c', 'e']);
    const value = at('{"x": {"action": "re§"}}');
    assert.deepEqual([value?.position, value?.key, value?.container], ['value', 'action', ['x']]);
    assert.equal(at('{"x": [true, §')?.key, '1', 'an array item is the value of its index');
  });

  it('refuses a cursor between a value and its comma', () => {
    assert.equal(at('{"a": 1 § }'), undefined);
  });
});
