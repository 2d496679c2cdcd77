import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDiffConfig } from '../../../src/core/evolve/config';
import { LIVE_DIFF_CODES, liveDiff } from '../../../src/core/evolve/live';
import { app, at, load, type Json } from './support';

/** The payload lives in a side file, so its changes are written there, not in the edited document. */
const viaRef = (doc: Json): void => void (at(doc, 'components', 'messages', 'orderPlaced').payload = { $ref: './order.json#/Order' });
const side = (schema: unknown): Record<string, string> => ({ 'order.json': JSON.stringify({ Order: schema }) });

async function versions(after: unknown, edit: (doc: Json) => void = () => undefined) {
  const before = await load(app('receive', {}, viaRef), 'asyncapi.json', side({ type: 'string' }));
  const edited = await load(app('receive', {}, (doc) => { viaRef(doc); edit(doc); }), 'asyncapi.json', side(after));
  return [before, edited] as const;
}

describe('live diff against HEAD', () => {
  it('shows a change written in a $ref\'d file on the $ref that leads there', async () => {
    const [before, after] = await versions({ type: 'string', enum: ['a'] });
    const { findings } = liveDiff(before, after, undefined, undefined);
    const change = findings.find((finding) => finding.code === 'enum-narrowed');
    assert.equal(change?.file, after.file);
    assert.equal(change?.severity, 'warning');
    assert.match(change?.message ?? '', /^breaking: enum added: only "a" allowed \(against HEAD\) in order\.json#\/Order\/enum$/);
    assert.deepEqual(change?.range, after.rangeOf(after.file, ['components', 'messages', 'orderPlaced', 'payload', '$ref']));
    assert.ok(findings.some((finding) => finding.code === LIVE_DIFF_CODES.versionBump), 'the version bump is proposed');
  });

  it('honors the project config: a rule switched off shows nothing, a category re-classed changes the severity', async () => {
    const [before, after] = await versions({ type: 'string', enum: ['a'] });
    const off = liveDiff(before, after, parseDiffConfig('diff:\n  rules:\n    enum-narrowed: off\n', '.eventscope.yaml'), undefined);
    assert.deepEqual(off.findings.map((finding) => finding.code), []);
    const reclassed = liveDiff(before, after, parseDiffConfig('diff:\n  rules:\n    schema: non-breaking\n', '.eventscope.yaml'), undefined);
    assert.equal(reclassed.findings.find((finding) => finding.code === 'enum-narrowed')?.severity, 'hint');
    const forward = liveDiff(before, after, parseDiffConfig('diff:\n  mode: forward\n', '.eventscope.yaml'), 'backward');
    assert.equal(forward.report.mode, 'forward');
  });

  it('reports an invalid x-eventscope-compatibility on the document', async () => {
    const [before, after] = await versions({ type: 'string' }, (doc) => void (doc['x-eventscope-compatibility'] = 'sideways'));
    const problem = liveDiff(before, after, undefined, undefined).findings.find((finding) => finding.code === LIVE_DIFF_CODES.compatibility);
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /"sideways" is not a compatibility mode; use one of role, backward/);
    assert.deepEqual(problem?.range, after.rangeOf(after.file, ['x-eventscope-compatibility']));
  });
});
