import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDiffConfig } from '../../../src/core/evolve/config';
import { app, diff } from './support';

const PAYLOAD = { type: 'object', properties: { id: { type: 'string' } } };

describe('.eventscope.yaml', () => {
  it('reports a misspelt rule, naming the closest rule, instead of accepting it', () => {
    const config = parseDiffConfig('diff:\n  rules:\n    type-chnaged: off\n    schema: non-breaking\n  ignore:\n    - path: /a\n      rule: enum-narowed\n', '.eventscope.yaml');
    assert.deepEqual(config.problems, [
      'diff.rules.type-chnaged: "type-chnaged" is neither a rule nor a category (did you mean "type-changed"?)',
      'diff.ignore /a: "enum-narowed" is neither a rule nor a category (did you mean "enum-narrowed"?)',
    ]);
    assert.deepEqual(config.rules, { schema: 'non-breaking' });
  });

  it('names the valid modes for an unknown mode', () => {
    assert.match(parseDiffConfig('diff:\n  mode: backwards\n', 'f').problems[0] ?? '', /use one of role, backward, forward, full, backward-transitive/);
  });

  it('ignores a path at JSON-pointer segment boundaries: /Payload does not cover /PayloadV2', async () => {
    const twoSchemas = (id: string) => (doc: Record<string, unknown>): void => {
      const components = doc.components as { schemas: Record<string, unknown>; messages: { orderPlaced: Record<string, unknown> } };
      components.schemas.PayloadV2 = { type: 'object', properties: { id: { type: id } } };
      components.messages.orderPlaced.headers = { $ref: '#/components/schemas/PayloadV2' };
    };
    const before = app('send', PAYLOAD, twoSchemas('string'));
    const after = app('send', { ...PAYLOAD, required: ['id'] }, twoSchemas('integer'));
    const pointers = (await diff(before, after, { ignore: [{ path: '/components/schemas/Payload' }] })).changes.map((change) => change.new?.pointer);
    assert.deepEqual(pointers, ['/components/schemas/PayloadV2/properties/id/type']);
    const trailing = (await diff(before, after, { ignore: [{ path: '/components/schemas/Payload/' }] })).changes.map((change) => change.new?.pointer);
    assert.deepEqual(trailing, ['/components/schemas/PayloadV2/properties/id/type']);
  });

  it('switches or re-classes a whole category; a rule of its own wins', async () => {
    const before = app('send', PAYLOAD);
    const after = app('send', { ...PAYLOAD, properties: { id: { type: 'integer' } }, required: ['id'] }, (doc) => void delete doc.servers);
    const summary = (rules: Record<string, 'off' | 'non-breaking' | 'breaking'>) => diff(before, after, { rules }).then((report) => report.changes.map((change) => `${change.rule}:${change.class}`).sort());
    assert.deepEqual(await summary({ schema: 'off' }), ['server-removed:breaking']);
    assert.deepEqual(await summary({ schema: 'non-breaking', 'type-changed': 'breaking', server: 'off' }), ['required-added:non-breaking', 'type-changed:breaking']);
  });
});
