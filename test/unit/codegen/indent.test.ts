import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indentDeclarations } from '../../../src/core/codegen/emitTypes';

describe('codegen: indentDeclarations', () => {
  it('indents by nesting, once per line, ignoring brackets in strings and comments, with a blank line between declarations', () => {
    const source = [
      'export interface A {',
      '/**',
      ' * Braces { in [ a comment',
      ' */',
      'tag: "}{"',
      "pattern: '[('",
      'lines: [{',
      'sku: string',
      '}, ...({',
      'sku: string',
      '})[]]',
      '}',
      'export type B = ("x" | "y")',
    ].join('\n');
    assert.equal(
      indentDeclarations(source),
      [
        'export interface A {',
        '  /**',
        '   * Braces { in [ a comment',
        '   */',
        '  tag: "}{"',
        "  pattern: '[('",
        '  lines: [{',
        '    sku: string',
        '  }, ...({',
        '    sku: string',
        '  })[]]',
        '}',
        '',
        'export type B = ("x" | "y")',
      ].join('\n'),
    );
  });
});
