import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hoverAt } from '../../../src/core/nav/hover';
import { CORPUS, EXAMPLES, NAV_FIXTURES, offsetOf, read, readText } from './support';

const ORDERS = path.join(EXAMPLES, 'orders/asyncapi.yaml');

function hover(file: string, needle: string, delta = 1, text = read(file)): string | undefined {
  return hoverAt({ file, text, offset: offsetOf(text, needle, delta), readFile: readText });
}

/** The lines of the first YAML code block of a hover. */
function codeBlock(markdown: string | undefined): string[] {
  const match = /```yaml\n([\s\S]*?)\n```/.exec(markdown ?? '');
  assert.ok(match, `a YAML block in ${markdown}`);
  return (match[1] ?? '').split('\n');
}

describe('hover on a $ref', () => {
  it('names a shared message and shows it with its direct refs resolved', () => {
    const markdown = hover(ORDERS, "'../common/components.yaml#/components/messages/OrderPlaced'", 20);
    assert.ok(markdown?.startsWith('**message** `OrderPlaced` in `components.yaml`'), markdown);
    const lines = codeBlock(markdown);
    assert.equal(lines[0], 'name: OrderPlaced');
    // headers: $ref EventHeaders is shown as the schema it names; refs inside that schema stay refs.
    const headers = lines.indexOf('headers:');
    assert.equal(lines[headers + 1], '  type: object');
    assert.ok(lines.includes('      $ref: "#/components/schemas/CorrelationId"'));
    assert.ok(!lines.some((line) => line.includes("'#/components/schemas/EventHeaders'") || line.includes('"#/components/schemas/EventHeaders"')));
  });

  it('truncates long targets to 40 lines', () => {
    const lines = codeBlock(hover(ORDERS, "'../common/components.yaml#/components/messages/OrderPlaced'", 20));
    assert.equal(lines.length, 41);
    assert.equal(lines[40], '…');
  });

  it('shows short targets whole, relative to the file that holds them', () => {
    const markdown = hover(ORDERS, "'../common/components.yaml#/components/parameters/OrderId'", 3);
    assert.ok(markdown?.startsWith('**parameter** `OrderId`'));
    assert.deepEqual(codeBlock(markdown), [
      'description: Identifier of the order the event belongs to (`ORD-<year>-<sequence>`).',
      'examples:',
      '  - ORD-2025-004217',
      '  - ORD-2025-004218',
      'location: $message.payload#/orderId',
    ]);
  });

  it("follows a 3.x operation's message through its channel to the message itself", () => {
    const markdown = hover(ORDERS, "'#/channels/paymentRequests/messages/PaymentRequested'", 5);
    assert.ok(markdown?.startsWith('**message** `PaymentRequested` of channel `paymentRequests`'), markdown);
    const lines = codeBlock(markdown);
    assert.equal(lines[0], 'name: PaymentRequested');
    assert.equal(lines[lines.indexOf('headers:') + 1], '  type: object', "the message's own refs are resolved, relative to components.yaml");
  });

  it('describes local channels, JSON documents and fragment files', () => {
    const channel = hover(ORDERS, "'#/channels/paymentReplies'", 3);
    assert.ok(channel?.startsWith('**channel** `paymentReplies`'));
    assert.ok(codeBlock(channel).includes('address: shop/payments/replies'));

    const json = path.join(NAV_FIXTURES, 'json/asyncapi.json');
    const message = hover(json, '"./shared.json#/components/messages/EntryPosted"', 4);
    assert.ok(message?.startsWith('**message** `EntryPosted` in `shared.json`'));
    assert.deepEqual(codeBlock(message), ['name: EntryPosted', 'payload:', '  type: object', '  properties:', '    amount:', '      type: number']);

    const frontend = path.join(CORPUS, 'v2.6/social-media/frontend/asyncapi.yaml');
    const fragment = hover(frontend, "'../common/messages.yaml#/likeComment'", 4);
    assert.ok(fragment?.startsWith('**definition** `likeComment` in `messages.yaml`'));
    assert.ok(codeBlock(fragment).includes('  type: object'), 'payload resolved from schemas.yaml, relative to messages.yaml');
  });

  it('says so when the target is missing or remote', () => {
    const broken = read(ORDERS).replace("'#/channels/paymentReplies'", "'#/channels/nope'");
    assert.match(hover(ORDERS, "'#/channels/nope'", 3, broken) ?? '', /Not found: `#\/channels\/nope`/);
    const remote = read(ORDERS).replace("'#/channels/paymentReplies'", "'https://example.com/asyncapi.yaml#/channels/a'");
    assert.match(hover(ORDERS, 'https://example.com', 3, remote) ?? '', /^Remote reference `https:\/\/example.com\/asyncapi.yaml#\/channels\/a`/);
  });
});

describe('hover on a channel address parameter', () => {
  it('shows the declared parameter of a 3.x address, resolved', () => {
    const markdown = hover(ORDERS, '{orderId}/placed', 3);
    assert.ok(markdown?.startsWith('**parameter** `orderId` of channel `orderPlaced`'), markdown);
    assert.ok(codeBlock(markdown).includes('  location: $message.payload#/orderId'));
  });

  it('shows the parameter of a 2.x channel key', () => {
    const file = path.join(CORPUS, 'v2.6/streetlights-mqtt.yml');
    const markdown = hover(file, '{streetlightId}/lighting/measured', 5);
    assert.ok(markdown?.startsWith('**parameter** `streetlightId`'), markdown);
    assert.ok(codeBlock(markdown).includes('  description: The ID of the streetlight.'));
  });

  it('reports an undeclared parameter and ignores the rest of the address', () => {
    const undeclared = read(ORDERS).replace('address: shop/payments/requests', 'address: shop/payments/{tenant}/requests');
    assert.match(hover(ORDERS, '{tenant}', 2, undeclared) ?? '', /Not declared in `parameters` of channel `paymentRequests`/);
    assert.equal(hover(ORDERS, 'shop/orders/{orderId}/placed', 2), undefined, 'on "shop"');
    assert.equal(hover(ORDERS, 'title: Orders Service', 8), undefined);
  });
});
