import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/shared/findings';
import { createRefReader } from '../../src/core/model/refReader';
import { validateDocument } from '../../src/core/validate/validator';
import { codes, validateText } from './helpers';

/** A small valid 3.0 document with hooks to break one thing at a time. */
function document(parts: { channel?: string; operations?: string; messages?: string } = {}): string {
  return `asyncapi: 3.0.0
info:
  title: Shop
  version: 1.0.0
channels:
  placed:
${parts.channel ?? `    address: orders/{orderId}/placed
    parameters:
      orderId: {}
    messages:
      OrderPlaced:
        $ref: '#/components/messages/OrderPlaced'`}
operations:
${parts.operations ?? `  publishOrderPlaced:
    action: send
    channel:
      $ref: '#/channels/placed'`}
components:
  messages:
    OrderPlaced:
      name: OrderPlaced
      correlationId:
        location: $message.header#/correlationId
      headers:
        type: object
        properties:
          correlationId: { type: string }
      payload:
        type: object
        additionalProperties: false
        properties:
          orderId: { type: string }
          total: { type: number, minimum: 0 }
      examples:
        - payload: { orderId: o-1, total: 3 }
${parts.messages ?? ''}`;
}

function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((finding) => finding.code === code);
}

describe('event-design rules', () => {
  it('the base document breaks none', async () => {
    const result = await validateText(document());
    assert.deepEqual(codes(result).filter((code) => code.startsWith('eventscope-')), []);
  });

  it('eventscope-duplicate-message: two different messages with one name', async () => {
    const result = await validateText(document({
      messages: `    Other:
      name: OrderPlaced
      payload: { type: string }
`,
    }));
    const found = only(result.findings, 'eventscope-duplicate-message');
    assert.equal(found.length, 1);
    assert.equal(found[0]?.severity, 'error');
  });

  it('eventscope-duplicate-message: 2.x messages are told apart by name and by messageId, each checked', async () => {
    const v2 = (first: string, second: string): string => `asyncapi: 2.6.0
info: { title: Shop, version: 1.0.0 }
channels:
  orders:
    publish:
      message:
        oneOf:
          - { ${first}, payload: { type: string } }
          - { ${second}, payload: { type: number } }
`;
    const messages = async (first: string, second: string): Promise<string[]> =>
      only((await validateText(v2(first, second))).findings, 'eventscope-duplicate-message').map((finding) => finding.message);
    const [sameName] = await messages('messageId: placed, name: Order', 'messageId: shipped, name: Order');
    assert.match(sameName ?? '', /^Message name "Order" is already used/);
    const [sameId] = await messages('messageId: placed, name: Placed', 'messageId: placed, name: Shipped');
    assert.match(sameId ?? '', /^Message ID "placed" is already used/);
    assert.deepEqual(await messages('messageId: placed, name: Placed', 'messageId: shipped, name: Shipped'), []);
  });

  it('eventscope-operation-without-messages', async () => {
    const result = await validateText(document({
      channel: `    address: empty
    messages: {}`,
      operations: `  publishNothing:
    action: send
    channel:
      $ref: '#/channels/placed'`,
    }));
    const found = only(result.findings, 'eventscope-operation-without-messages');
    assert.equal(found.length, 1);
    assert.match(found[0]?.message ?? '', /publishNothing/);
  });

  it('eventscope-unused-channel', async () => {
    const result = await validateText(document({ operations: '  {}' }).replace('operations:\n  {}', 'operations: {}'));
    const found = only(result.findings, 'eventscope-unused-channel');
    assert.equal(found.length, 1);
    assert.equal(found[0]?.range.start.line, 5, 'on the channel key line');
  });

  it('eventscope-correlation-id-unresolved: a location naming no header field', async () => {
    const result = await validateText(document().replace('$message.header#/correlationId', '$message.header#/correlation_id'));
    const found = only(result.findings, 'eventscope-correlation-id-unresolved');
    assert.equal(found.length, 1);
    assert.match(found[0]?.message ?? '', /correlation_id/);
  });

  it('eventscope-correlation-id-unresolved: a payload location that exists is fine, one that does not is flagged', async () => {
    const good = await validateText(document().replace('$message.header#/correlationId', '$message.payload#/orderId'));
    assert.deepEqual(only(good.findings, 'eventscope-correlation-id-unresolved'), []);
    const bad = await validateText(document().replace('$message.header#/correlationId', '$message.payload#/order/id'));
    assert.equal(only(bad.findings, 'eventscope-correlation-id-unresolved').length, 1);
  });

  it('eventscope-undeclared-parameter and eventscope-unused-parameter', async () => {
    const result = await validateText(document().replace('orderId: {}', 'customerId: {}'));
    const undeclared = only(result.findings, 'eventscope-undeclared-parameter');
    assert.equal(undeclared.length, 1);
    assert.equal(undeclared[0]?.range.start.line, 6, 'on the address');
    assert.deepEqual(undeclared[0]?.fix, { kind: 'declareParameter', name: 'orderId' });
    assert.equal(only(result.findings, 'eventscope-unused-parameter').length, 1);
    assert.deepEqual(only(result.findings, 'asyncapi3-channel-parameters'), [], "Spectral's report of the same problems is not repeated");
  });

  it("Spectral's channel-parameters findings stay where Eventscope's parameter rules are off, in 2.x and 3.x", async () => {
    const off = { rules: { 'eventscope-undeclared-parameter': 'off', 'eventscope-unused-parameter': 'off' } } as const;
    const v3 = await validateText(document().replace('orderId: {}', 'customerId: {}'), {}, off);
    assert.equal(only(v3.findings, 'asyncapi3-channel-parameters').length, 2);
    const v2 = `asyncapi: 2.6.0
info: { title: S, version: 1.0.0 }
channels:
  orders/{orderId}:
    parameters:
      customerId: { schema: { type: string } }
    publish:
      message: { messageId: placed, payload: { type: string } }
`;
    assert.deepEqual(only((await validateText(v2)).findings, 'asyncapi2-channel-parameters'), []);
    assert.equal(only((await validateText(v2)).findings, 'eventscope-undeclared-parameter').length, 1);
    assert.equal(only((await validateText(v2, {}, off)).findings, 'asyncapi2-channel-parameters').length, 2);
  });

  it('eventscope-payload-without-type', async () => {
    const result = await validateText(document({
      messages: `    Untyped:
      payload:
        description: anything goes
`,
    }));
    assert.equal(only(result.findings, 'eventscope-payload-without-type').length, 1);
  });

  it('eventscope-open-message-schema: open where the others are closed', async () => {
    const result = await validateText(document({
      messages: `    Open:
      name: Open
      payload:
        type: object
        properties:
          a: { type: string }
`,
    }));
    const found = only(result.findings, 'eventscope-open-message-schema');
    assert.equal(found.length, 1);
    assert.match(found[0]?.message ?? '', /"Open"/);
  });

  it('rules can be re-classed and switched off', async () => {
    const text = document().replace('orderId: {}', 'customerId: {}');
    const result = await validateText(text, {}, { rules: { 'eventscope-undeclared-parameter': 'hint', 'eventscope-unused-parameter': 'off' } });
    assert.equal(only(result.findings, 'eventscope-undeclared-parameter')[0]?.severity, 'hint');
    assert.deepEqual(only(result.findings, 'eventscope-unused-parameter'), []);
  });

  it('findings in a referenced file point into that file', async () => {
    const result = await validateText(
      document().replace("$ref: '#/components/messages/OrderPlaced'", "$ref: './common.yaml#/components/messages/Loose'"),
      { 'common.yaml': 'components:\n  messages:\n    Loose:\n      name: Loose\n      payload:\n        description: no type\n' },
    );
    const found = only(result.findings, 'eventscope-payload-without-type')[0];
    assert.ok(found, JSON.stringify(codes(result)));
    assert.ok(found.file.endsWith('common.yaml'));
    assert.equal(found.range.start.line, 4);
  });
});

describe('message examples (3.x)', () => {
  it('points at the offending value inside the example', async () => {
    const result = await validateText(document().replace('payload: { orderId: o-1, total: 3 }', 'payload: { orderId: o-1, total: -3 }'));
    const found = only(result.findings, 'eventscope-invalid-example');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]?.path, ['components', 'messages', 'OrderPlaced', 'examples', '0', 'payload', 'total']);
    assert.equal(found[0]?.range.start.line, 34);
    assert.equal(found[0]?.range.start.character, '        - payload: { orderId: o-1, total: '.length, 'on the value -3');
    assert.match(found[0]?.message ?? '', /"\/total" must be >= 0/);
  });

  it('reports an extra property and a wrong header type', async () => {
    const result = await validateText(document().replace('- payload: { orderId: o-1, total: 3 }', '- payload: { orderId: o-1, total: 3, coupon: x }\n          headers: { correlationId: 5 }'));
    const messages = only(result.findings, 'eventscope-invalid-example').map((finding) => finding.message);
    assert.equal(messages.length, 2, JSON.stringify(messages));
    assert.ok(messages.some((message) => /coupon/.test(message)));
    assert.ok(messages.some((message) => /headers at "\/correlationId" must be string/.test(message)));
  });

  it('checks formats', async () => {
    const result = await validateText(document().replace('orderId: { type: string }', 'orderId: { type: string, format: uuid }'));
    assert.equal(only(result.findings, 'eventscope-invalid-example').length, 1);
  });
});

describe('JSON with comments', () => {
  it('validates a .json document with comments like the same document without them, on the same lines', async () => {
    const text = '{\n  // the shop\n  "asyncapi": "3.0.0",\n  "info": { "title": "C", "version": "1.0.0" },\n  /* channels */ "channels": { "hello": { "address": "hello/{id}" } }\n}\n';
    const result = await validateDocument(text, '/virtual/commented.json', createRefReader({ overlays: new Map() }));
    assert.deepEqual(result.findings.filter((finding) => finding.code === 'parser'), []);
    assert.equal(result.model?.channels.length, 1);
    const undeclared = result.findings.find((finding) => finding.code === 'eventscope-undeclared-parameter');
    assert.equal(undeclared?.range.start.line, 4);
    for (const finding of result.findings) assert.ok(finding.range.start.character >= 0 && finding.range.end.character >= 0);
  });
});
