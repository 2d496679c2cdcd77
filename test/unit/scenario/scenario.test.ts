import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkScenario } from '../../../src/core/scenario/check';
import { parseScenario } from '../../../src/core/scenario/scenario';
import { loadShop } from '../broker/fixtures';
import { EXAMPLES } from '../helpers';

const CHECKOUT = readFileSync(path.join(EXAMPLES, 'scenarios', 'checkout.events'), 'utf8');

describe('scenario parser', () => {
  it('reads publishes with headers and multi-line payloads, waits and comments', () => {
    const { steps, problems } = parseScenario(CHECKOUT);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      steps.map((step) => (step.kind === 'wait' ? `wait ${step.ms}` : `publish ${step.address}`)),
      ['publish shop/orders/ORD-2025-004217/placed', 'wait 100', 'publish shop/payments/requests', 'wait 200', 'publish shop/payments/replies', 'wait 100', 'publish shop/orders/ORD-2025-004217/confirmed'],
    );
    const [first] = steps;
    assert.ok(first?.kind === 'publish');
    assert.equal(first.headers.correlationId, '6f1c2b0e-8a4d-4e57-9b3a-2d7c5e9f1a04');
    assert.equal((first.payload as { total: { amount: number } }).total.amount, 4900);
    assert.deepEqual(first.addressRange, { start: { line: 3, character: 8 }, end: { line: 3, character: 42 } });
    assert.deepEqual([first.payloadRange.start.line, first.payloadRange.end.line], [6, 16]);
  });

  it('reports bad lines, bad waits, wildcards, missing and broken payloads, and carries on', () => {
    const { steps, problems } = parseScenario(['hello', 'wait soon', 'publish a/+', '{}', 'publish x', '', 'publish y', '{ "a": ', '', 'wait 5'].join('\n'));
    assert.deepEqual(
      problems.map((problem) => [problem.range.start.line, problem.message]),
      [
        [0, 'expected "publish <address>", "wait <ms>" or a # comment'],
        [1, 'wait takes a whole number of milliseconds, such as "wait 200"'],
        [2, 'publish needs one address, without + or # wildcards'],
        [4, 'publish needs a JSON payload on the lines after it'],
        [7, 'the payload is not valid JSON'],
      ],
    );
    assert.deepEqual(steps.map((step) => step.kind), ['wait']);
  });
});

describe('scenario diagnostics against the documents', () => {
  it('finds nothing wrong with the checkout example', async () => {
    assert.deepEqual(checkScenario(parseScenario(CHECKOUT), await loadShop()), []);
  });

  it('flags an unknown address on the address and an invalid payload on the payload', async () => {
    const text = ['publish shop/nowhere', '{}', 'publish shop/payments/requests', 'correlationId: c-1', '{ "orderId": 42 }'].join('\n');
    const problems = checkScenario(parseScenario(text), await loadShop());
    const unknown = problems.find((problem) => problem.code === 'scenario-unknown-address');
    assert.deepEqual(unknown?.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 20 } });
    const invalid = problems.filter((problem) => problem.code === 'scenario-invalid-payload');
    assert.ok(invalid.length > 0);
    assert.ok(invalid.every((problem) => problem.range.start.line === 4));
    assert.ok(invalid.some((problem) => /orderId/.test(problem.message)), invalid.map((problem) => problem.message).join('\n'));
  });
});
