import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseViewToHost } from '../../../src/shared/diffReportProtocol';

describe('diff report webview protocol', () => {
  it('accepts the messages the view may send', () => {
    assert.deepEqual(parseViewToHost({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseViewToHost({ type: 'reveal', index: 3, side: 'old', extra: 'dropped' }), { type: 'reveal', index: 3, side: 'old' });
  });

  it('rejects anything else: the view is untrusted', () => {
    for (const message of [null, 'ready', { type: 'reveal', index: '3', side: 'new' }, { type: 'reveal', index: 1.5, side: 'new' }, { type: 'reveal', index: 0, side: 'both' }, { type: 'open', file: '/etc/passwd' }]) {
      assert.equal(parseViewToHost(message), undefined, JSON.stringify(message));
    }
  });
});
