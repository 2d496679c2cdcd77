import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asPlainJson, blankJsonComments } from '../../../src/core/model/jsonComments';

describe('JSON with comments', () => {
  it('blanks line and block comments and keeps every offset and line', () => {
    const text = '{\n  // why\n  "a": "http://x", /* two\nlines */ "b": 1\n}\n';
    const plain = blankJsonComments(text);
    assert.equal(plain.length, text.length);
    assert.equal(plain.split('\n').length, text.split('\n').length);
    assert.deepEqual(JSON.parse(plain), { a: 'http://x', b: 1 });
    assert.equal(plain.indexOf('"b"'), text.indexOf('"b"'));
  });

  it('leaves YAML alone, where // may sit inside a single-quoted string', () => {
    const yaml = "{ url: 'http://example.com' }\n";
    assert.equal(asPlainJson('/w/asyncapi.yaml', yaml), yaml);
    assert.equal(asPlainJson('/w/asyncapi.json', '{"a": 1} // c\n'), '{"a": 1}     \n');
    assert.equal(asPlainJson('untitled:1', '// c\n{}'), '    \n{}');
  });
});
