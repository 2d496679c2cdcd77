import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { completeAt, expectedCategory, withoutTypedLine, type CompletionItem } from '../../../src/core/nav/completion';
import { CORPUS, EXAMPLES, NAV_FIXTURES, SERVICES, read, readText, withCursor } from './support';

const VIRTUAL = path.join(EXAMPLES, 'virtual/asyncapi.yaml');

function complete(marked: string, file = VIRTUAL): CompletionItem[] {
  const { text, offset } = withCursor(marked);
  return completeAt({ file, text, offset, readFile: readText });
}

const labels = (items: readonly CompletionItem[]): string[] => items.map((item) => item.label);

/** `file`'s text with `original` replaced by `typed` (which carries the § cursor), completed there. */
function completeIn(file: string, original: string, typed: string): CompletionItem[] {
  const text = read(file);
  assert.ok(text.includes(original), `fixture still contains ${original}`);
  return complete(text.replace(original, typed), file);
}

describe('key completion from the meta-schema', () => {
  it('offers the fields of a 3.0 operation, and not those of a message', () => {
    const items = complete('asyncapi: 3.0.0\ninfo:\n  title: T\n  version: 1.0.0\noperations:\n  x:\n    §');
    const offered = labels(items);
    for (const key of ['action', 'channel', 'messages', 'reply', 'traits', 'bindings']) assert.ok(offered.includes(key), key);
    for (const key of ['payload', 'address', 'operationId', 'publish']) assert.ok(!offered.includes(key), key);
    const action = items.find((item) => item.label === 'action');
    assert.equal(action?.kind, 'key');
    assert.equal(action?.insertText, 'action: ');
    assert.match(action?.documentation ?? '', /send and receive/);
    assert.deepEqual(action?.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 4 } });
  });

  it('leaves out keys already present, before and after the cursor', () => {
    const offered = labels(complete('asyncapi: 3.0.0\noperations:\n  x:\n    action: send\n    §\n    messages: []\n  y:\n    channel: {}\n'));
    assert.ok(offered.includes('channel'), 'present only in a sibling operation');
    assert.ok(!offered.includes('action'));
    assert.ok(!offered.includes('messages'));
  });

  it('replaces a partially typed key', () => {
    const items = complete('asyncapi: 3.0.0\noperations:\n  x:\n    act§\n');
    const action = items.find((item) => item.label === 'action');
    assert.deepEqual(action?.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 7 } });
    const beforeColon = complete('asyncapi: 3.0.0\noperations:\n  x:\n    ac§tion: send\n').find((item) => item.label === 'action');
    assert.equal(beforeColon?.insertText, 'action', 'a colon already follows');
    assert.deepEqual(beforeColon?.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } });
  });

  it('follows the document version: 2.x channels have publish/subscribe, 3.x an address', () => {
    const v2 = labels(complete('asyncapi: 2.6.0\nchannels:\n  user/signedup:\n    §'));
    assert.ok(v2.includes('publish') && v2.includes('subscribe'));
    assert.ok(!v2.includes('address'));
    const v3 = labels(complete('asyncapi: 3.0.0\nchannels:\n  userSignedUp:\n    §'));
    assert.ok(v3.includes('address') && v3.includes('messages'));
    assert.ok(!v3.includes('publish'));
    assert.ok(labels(complete("asyncapi: '2.0.0'\nchannels:\n  a:\n    publish:\n      §")).includes('operationId'));
  });

  it('offers root keys, and none under a map of arbitrary names', () => {
    const root = labels(complete('asyncapi: 3.0.0\ninfo:\n  title: T\n§'));
    assert.deepEqual(root.sort(), ['channels', 'components', 'defaultContentType', 'id', 'operations', 'servers']);
    assert.deepEqual(complete('asyncapi: 3.0.0\noperations:\n  a:\n    action: send\n  §'), []);
  });

  it('walks components, schemas and bindings', () => {
    const payload = labels(complete('asyncapi: 3.0.0\ncomponents:\n  messages:\n    M:\n      payload:\n        §'));
    assert.ok(payload.includes('type') && payload.includes('properties') && payload.includes('required'));
    const message = labels(complete('asyncapi: 3.0.0\ncomponents:\n  messages:\n    M:\n      §'));
    assert.ok(message.includes('payload') && message.includes('correlationId'));
    const mqtt = labels(complete('asyncapi: 3.0.0\noperations:\n  o:\n    bindings:\n      mqtt:\n        §'));
    assert.ok(mqtt.includes('qos') && mqtt.includes('retain'));
  });

  it('places sequence items, including indentless ones', () => {
    const tag = labels(complete('asyncapi: 3.0.0\ninfo:\n  tags:\n  - name: a\n  - name: b\n    §\n'));
    assert.deepEqual(tag.sort(), ['$ref', 'description', 'externalDocs']);
    const fresh = labels(complete('asyncapi: 3.0.0\ninfo:\n  tags:\n    - §'));
    assert.ok(fresh.includes('name') && fresh.includes('description'));
  });

  it('works while the document is invalid YAML', () => {
    const offered = labels(complete("asyncapi: 3.0.0\ninfo:\n  title: 'Broken\n    still: broken\noperations:\n  x:\n    §"));
    assert.ok(offered.includes('action') && offered.includes('reply'));
  });

  it('offers nothing inside a block scalar or a comment', () => {
    assert.deepEqual(complete('asyncapi: 3.0.0\ninfo:\n  description: |\n    Some text\n    §\n'), []);
    assert.deepEqual(complete('asyncapi: 3.0.0\ninfo:\n  title: T # a comment §\n'), []);
  });

  it('completes keys in JSON, quoted and not', () => {
    const bare = complete('{"asyncapi": "3.0.0", "operations": {"x": {"action": "send", §}}}');
    assert.ok(!labels(bare).includes('action'));
    assert.equal(bare.find((item) => item.label === 'channel')?.insertText, '"channel": ');
    const quoted = complete('{"asyncapi": "3.0.0", "operations": {"x": {"ch§"}}}');
    const channel = quoted.find((item) => item.label === 'channel');
    assert.equal(channel?.insertText, 'channel": ');
    assert.deepEqual(channel?.range, { start: { line: 0, character: 44 }, end: { line: 0, character: 47 } }, 'after the opening quote through the closing one');
    assert.ok(!labels(complete('{"asyncapi": "3.0.0", "operations": {"x": {§, "reply": {}}}}')).includes('reply'));
  });
});

describe('value completion', () => {
  it('offers enum values', () => {
    const items = complete('asyncapi: 3.0.0\noperations:\n  x:\n    action: §\n');
    assert.deepEqual(labels(items), ['send', 'receive']);
    assert.equal(items[0]?.kind, 'value');
    assert.deepEqual(labels(complete('asyncapi: 3.0.0\ncomponents:\n  schemas:\n    S:\n      type: §')).sort(), ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
    assert.deepEqual(labels(complete('asyncapi: 3.0.0\ncomponents:\n  messages:\n    M:\n      deprecated: §')), ['true', 'false']);
  });

  it('quotes as the syntax needs', () => {
    const json = complete('{"asyncapi": "3.0.0", "operations": {"x": {"action": §}}}');
    assert.deepEqual(json.map((item) => item.insertText), ['"send"', '"receive"']);
    const inQuotes = complete('{"asyncapi": "3.0.0", "operations": {"x": {"action": "se§"}}}');
    assert.equal(inQuotes[0]?.insertText, 'send"');
    const mqttVersion = complete('asyncapi: 3.0.0\nservers:\n  s:\n    protocolVersion: §\n    bindings:\n      mqtt:\n        bindingVersion: 0.2.0\n');
    assert.deepEqual(mqttVersion, [], 'free text offers nothing');
  });
});

describe('$ref completion', () => {
  const orders = path.join(EXAMPLES, 'orders/asyncapi.yaml');

  it("offers an operation's messages from its own channel", () => {
    const items = completeIn(orders, "        - $ref: '#/channels/paymentReplies/messages/PaymentFailed'", "        - $ref: '#/§'");
    assert.deepEqual(labels(items), ['#/channels/paymentReplies/messages/PaymentCompleted', '#/channels/paymentReplies/messages/PaymentFailed']);
    assert.equal(items[0]?.kind, 'ref');
    assert.equal(items[0]?.insertText, "#/channels/paymentReplies/messages/PaymentCompleted'", 'the opening quote is kept, the closing one rewritten');
  });

  it('reads the document from one text for every keystroke on a line, so a large document is parsed once per line', () => {
    const text = read(orders);
    const original = "      $ref: '#/channels/orderConfirmed'";
    const keystrokes = ["      $ref: '#/§", "      $ref: '#/c§", "      $ref: '#/cha§"].map((typed) => withCursor(text.replace(original, typed)));
    const parsed = new Set(keystrokes.map(({ text: typed, offset }) => withoutTypedLine(typed, offset)));
    assert.equal(parsed.size, 1);
    const [only] = parsed;
    assert.equal(only, text.replace(original, ''), 'the typed line is emptied, and the rest kept as it is');
    for (const { text: typed, offset } of keystrokes) {
      assert.ok(labels(completeAt({ file: orders, text: typed, offset, readFile: readText })).includes('#/channels/orderConfirmed'));
    }
  });

  it('offers the channels for an operation channel, quoting an empty value', () => {
    const items = completeIn(orders, "      $ref: '#/channels/orderConfirmed'", '      $ref: §');
    assert.deepEqual(labels(items), ['#/channels/orderPlaced', '#/channels/paymentRequests', '#/channels/paymentReplies', '#/channels/orderConfirmed', '#/channels/orderCancelled']);
    assert.equal(items[0]?.insertText, "'#/channels/orderPlaced'");
  });

  it('offers components of the files the document references, by their kind', () => {
    const messages = completeIn(orders, "        $ref: '../common/components.yaml#/components/messages/OrderConfirmed'", '        $ref: "../common/§"');
    assert.ok(labels(messages).includes('../common/components.yaml#/components/messages/ReserveStock'));
    assert.ok(labels(messages).every((label) => label.startsWith('../common/components.yaml#/components/messages/')));
    assert.equal(messages.find((item) => item.label.endsWith('/OrderPlaced'))?.detail, 'message in ../common/components.yaml');
    assert.match(messages.find((item) => item.label.endsWith('/OrderPlaced'))?.documentation ?? '', /customer placed an order/);

    const parameters = completeIn(
      orders,
      "    parameters:\n      orderId:\n        $ref: '../common/components.yaml#/components/parameters/OrderId'\n    messages:\n      OrderConfirmed",
      "    parameters:\n      orderId:\n        $ref: '§'\n    messages:\n      OrderConfirmed",
    );
    assert.deepEqual(labels(parameters), ['../common/components.yaml#/components/parameters/OrderId']);
  });

  it('offers local components for payload schemas', () => {
    const components = read(path.join(EXAMPLES, 'common/components.yaml'));
    const marked = components.replace("      payload:\n        $ref: '#/components/schemas/OrderPlacedPayload'", "      payload:\n        $ref: '#/components/schemas/§'");
    const items = complete(marked, path.join(EXAMPLES, 'common/components.yaml'));
    assert.ok(labels(items).includes('#/components/schemas/OrderPlacedPayload'));
    assert.ok(labels(items).every((label) => label.startsWith('#/components/schemas/')));
    assert.equal(items.find((item) => item.label === '#/components/schemas/Money')?.detail, 'schema in this document');
  });

  it('offers the entries of bare fragment files (2.6 social-media)', () => {
    const frontend = path.join(CORPUS, 'v2.6/social-media/frontend/asyncapi.yaml');
    const offered = labels(completeIn(frontend, "        $ref: '../common/messages.yaml#/updateCommentLikes'", '        $ref: §'));
    for (const name of ['commentLiked', 'likeComment', 'commentChanged', 'updateCommentLikes']) assert.ok(offered.includes(`../common/messages.yaml#/${name}`), name);
    assert.ok(offered.includes('../common/servers.yaml#/websiteWebSocketServer'));
  });

  it('completes $ref values in JSON', () => {
    const file = path.join(NAV_FIXTURES, 'json/asyncapi.json');
    const channel = completeIn(file, '{ "$ref": "#/channels/entries" }', '{ "$ref": "#/§" }');
    assert.deepEqual(channel.map((item) => [item.label, item.insertText]), [['#/channels/entries', '#/channels/entries"']]);
    const message = completeIn(file, '"messages": [{ "$ref": "#/channels/entries/messages/EntryPosted" }]', '"messages": [{ "$ref": §');
    assert.deepEqual(message.map((item) => item.insertText), ['"#/channels/entries/messages/EntryPosted"']);
    const parameter = completeIn(file, '{ "$ref": "./shared.json#/components/parameters/Account" }', '{ "$ref": "§" }');
    assert.deepEqual(labels(parameter), ['./shared.json#/components/parameters/Account']);
  });

  it('classifies the place of a $ref', () => {
    assert.equal(expectedCategory(['operations', 'x', 'channel'], 3), 'channels');
    assert.equal(expectedCategory(['operations', 'x', 'reply', 'messages', '0'], 3), 'channelMessages');
    assert.equal(expectedCategory(['channels', 'c', 'messages', 'm'], 3), 'messages');
    assert.equal(expectedCategory(['channels', 'c', 'servers', '0'], 3), 'servers');
    assert.equal(expectedCategory(['components', 'messages', 'm', 'payload', 'properties', 'a'], 3), 'schemas');
    assert.equal(expectedCategory(['components', 'messages', 'm', 'traits', '0'], 3), 'messageTraits');
    assert.equal(expectedCategory(['operations', 'x', 'traits', '0'], 3), 'operationTraits');
    assert.equal(expectedCategory(['channels', 'a/b', 'subscribe', 'message'], 2), 'messages');
    assert.equal(expectedCategory(['channels', 'a/b', 'parameters', 'id'], 2), 'parameters');
    assert.equal(expectedCategory(['info'], 3), undefined);
  });
});

describe('completion on large documents', () => {
  it('completes keys and $ref targets in the shared components file', () => {
    const file = path.join(EXAMPLES, 'common/components.yaml');
    const text = `asyncapi: 3.0.0\n${read(file)}`;
    const keyAt = withCursor(text.replace("      payload:\n        $ref: '#/components/schemas/OrderPlacedPayload'", '      payload:\n        §'));
    const refAt = withCursor(text.replace("        $ref: '#/components/schemas/OrderPlacedPayload'", "        $ref: '#/§'"));
    assert.ok(completeAt({ file, ...keyAt, readFile: readText }).length > 10);
    assert.ok(completeAt({ file, ...refAt, readFile: readText }).length > 10);
  });

  it('serves every service of the example workspace', () => {
    for (const service of SERVICES) {
      const text = read(service);
      const offset = text.indexOf('\noperations:\n') + '\noperations:\n'.length;
      assert.ok(offset > 20, service);
      assert.deepEqual(complete(`${text.slice(0, offset)}  §\n${text.slice(offset)}`, service), [], `${service}: operation names are free`);
    }
  });
});
