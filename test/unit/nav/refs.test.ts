import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { definitionLocation, findReferences, formatPointer, parsePointer, parseRef, refAt, resolvePointer } from '../../../src/core/nav/refs';
import { COMPONENTS, CORPUS, EXAMPLES, NAV_FIXTURES, SERVICES, lineMatching, offsetOf, read } from './support';

const ORDERS = path.join(EXAMPLES, 'orders/asyncapi.yaml');

describe('parseRef', () => {
  it('reads a local pointer as this file', () => {
    assert.deepEqual(parseRef(ORDERS, '#/components/schemas/A'), { kind: 'local', file: ORDERS, pointer: ['components', 'schemas', 'A'] });
  });

  it('resolves a relative file against the referencing file', () => {
    assert.deepEqual(parseRef('/work/a/api/asyncapi.yaml', './common.yaml#/components/messages/X'), {
      kind: 'file',
      file: '/work/a/api/common.yaml',
      pointer: ['components', 'messages', 'X'],
    });
    assert.deepEqual(parseRef(ORDERS, '../common/components.yaml'), { kind: 'file', file: COMPONENTS, pointer: [] });
  });

  it('percent-decodes, then unescapes ~1 and ~0', () => {
    assert.deepEqual(parseRef('/x/a.yaml', '#/channels/a~1b~0c/messages/with%20space'), {
      kind: 'local',
      file: '/x/a.yaml',
      pointer: ['channels', 'a/b~c', 'messages', 'with space'],
    });
    // %7E1 decodes to ~1, which then unescapes to "/" (RFC 6901 §6 order).
    assert.deepEqual(parseRef('/x/a.yaml', '#/a%7E1b'), { kind: 'local', file: '/x/a.yaml', pointer: ['a/b'] });
    assert.equal(parseRef('/x/a.yaml', 'my%20file.yaml#/a')?.kind, 'file');
    assert.deepEqual(parseRef('/x/a.yaml', 'my%20file.yaml#/a'), { kind: 'file', file: '/x/my file.yaml', pointer: ['a'] });
  });

  it('treats http(s) as remote and file: URLs as files', () => {
    assert.deepEqual(parseRef(ORDERS, 'https://example.com/schemas/a.json#/A'), { kind: 'remote', url: 'https://example.com/schemas/a.json#/A' });
    assert.deepEqual(parseRef(ORDERS, 'HTTP://example.com/a.yaml'), { kind: 'remote', url: 'HTTP://example.com/a.yaml' });
    assert.deepEqual(parseRef(ORDERS, `${pathToFileURL(COMPONENTS).href}#/components`), { kind: 'file', file: COMPONENTS, pointer: ['components'] });
  });

  it('gives up on anchors, unknown schemes and broken escapes', () => {
    assert.equal(parseRef(ORDERS, '#anchor'), undefined);
    assert.equal(parseRef(ORDERS, 'urn:example:thing#/a'), undefined);
    assert.equal(parseRef(ORDERS, '#/components/%E0%A4%A'), undefined);
  });

  it('formatPointer escapes what parsePointer unescapes', () => {
    const pointer = ['channels', 'smartylighting/streetlights/{id}', 'a~b', "it's", 'with space', '#hash'];
    const fragment = formatPointer(pointer);
    assert.equal(fragment.includes("'"), false, 'safe inside a single-quoted YAML scalar');
    assert.equal(fragment.slice(1).includes('#'), false);
    assert.deepEqual(parsePointer(fragment.slice(1)), pointer);
    assert.equal(formatPointer(['components', 'messages', 'OrderPlaced']), '#/components/messages/OrderPlaced');
  });
});

describe('refAt', () => {
  const text = read(ORDERS);
  const value = "'../common/components.yaml#/components/messages/OrderPlaced'";
  const start = offsetOf(text, value);

  it('finds the $ref from anywhere on its value, quotes included', () => {
    for (const offset of [start, start + 1, start + 30, start + value.length]) {
      assert.equal(refAt(text, offset)?.ref, '../common/components.yaml#/components/messages/OrderPlaced', `offset +${offset - start}`);
    }
    const range = refAt(text, start + 5)?.range;
    const line = lineMatching(text, /\$ref: '..\/common\/components.yaml#\/components\/messages\/OrderPlaced'/);
    assert.deepEqual(range, { start: { line, character: 14 }, end: { line, character: 14 + value.length } });
  });

  it('ignores the key and other values', () => {
    assert.equal(refAt(text, start - 4), undefined, 'on "$ref:"');
    assert.equal(refAt(text, offsetOf(text, 'shop/orders/{orderId}/placed')), undefined);
  });

  it('works in JSON', () => {
    const json = read(path.join(NAV_FIXTURES, 'json/asyncapi.json'));
    assert.equal(refAt(json, offsetOf(json, '"#/channels/entries"', 4))?.ref, '#/channels/entries');
    assert.equal(refAt(json, offsetOf(json, '"action"', 2)), undefined);
  });
});

describe('definitionLocation', () => {
  const components = read(COMPONENTS);

  it('lands on the key of a component in the referenced file', () => {
    const target = parseRef(ORDERS, '../common/components.yaml#/components/messages/OrderPlaced');
    assert.ok(target && target.kind === 'file');
    const range = definitionLocation(target, components);
    const line = lineMatching(components, /^ {4}OrderPlaced:$/);
    assert.deepEqual(range, { start: { line, character: 4 }, end: { line, character: 15 } });
  });

  it('finds local targets, escaped names and JSON keys', () => {
    const escaped = read(path.join(NAV_FIXTURES, 'escaped-keys.yaml'));
    assert.equal(definitionLocation({ file: 'x', pointer: ['components', 'schemas', 'a/b~c'] }, escaped)?.start.line, lineMatching(escaped, /^ {4}a\/b~c:$/));
    const shared = read(path.join(NAV_FIXTURES, 'json/shared.json'));
    assert.equal(definitionLocation({ file: 'x', pointer: ['components', 'schemas', 'Entry'] }, shared)?.start.line, lineMatching(shared, /"Entry": \{/));
  });

  it('is undefined for a missing target and the file start for a whole file', () => {
    assert.equal(definitionLocation({ file: COMPONENTS, pointer: ['components', 'messages', 'Nope'] }, components), undefined);
    assert.deepEqual(definitionLocation({ file: COMPONENTS, pointer: [] }, components), { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  });
});

describe('findReferences', () => {
  const documents = [...SERVICES, COMPONENTS].map((file) => ({ file, text: read(file) }));

  it('finds the refs of all four services to a shared message, and only those', () => {
    const found = findReferences({ file: COMPONENTS, pointer: ['components', 'messages', 'OrderPlaced'] }, documents);
    assert.deepEqual(
      found.map((location) => path.basename(path.dirname(location.file))).sort(),
      ['inventory', 'notifications', 'orders', 'payments'],
    );
    for (const location of found) {
      const line = read(location.file).split('\n')[location.range.start.line] ?? '';
      assert.match(line, /\$ref: '\.\.\/common\/components\.yaml#\/components\/messages\/OrderPlaced'$/);
    }
  });

  it('finds local refs inside the declaring file', () => {
    const found = findReferences({ file: COMPONENTS, pointer: ['components', 'schemas', 'CorrelationId'] }, documents);
    assert.ok(found.length >= 2);
    assert.ok(found.every((location) => location.file === COMPONENTS));
    const orders = findReferences({ file: ORDERS, pointer: ['channels', 'paymentReplies'] }, documents);
    assert.deepEqual(orders.map((location) => location.file), [ORDERS], 'requestPayment.reply.channel');
  });

  it('finds refs across the multi-file social-media corpus', () => {
    const root = path.join(CORPUS, 'v3/social-media');
    const services = ['backend', 'comments-service', 'frontend', 'notification-service', 'public-api'].map((service) => path.join(root, service, 'asyncapi.yaml'));
    const found = findReferences(
      { file: path.join(root, 'common/messages.yaml'), pointer: ['commentLiked'] },
      services.map((file) => ({ file, text: read(file) })),
    );
    const expected = services.filter((file) => read(file).includes("$ref: '../common/messages.yaml#/commentLiked'"));
    assert.ok(expected.length >= 2);
    assert.deepEqual([...new Set(found.map((location) => location.file))].sort(), expected.sort());
  });

  it('matches escaped pointers by their decoded segments', () => {
    const file = path.join(NAV_FIXTURES, 'escaped-keys.yaml');
    const text = read(file);
    assert.equal(findReferences({ file, pointer: ['components', 'schemas', 'a/b~c'] }, [{ file, text }]).length, 1);
    assert.equal(findReferences({ file, pointer: ['components', 'messages', 'with space'] }, [{ file, text }]).length, 1);
  });
});

describe('resolvePointer', () => {
  it('returns the plain value at a pointer', () => {
    const components = read(COMPONENTS);
    assert.deepEqual(resolvePointer(components, ['components', 'schemas', 'DeathReason', 'enum']), ['rejected', 'expired', 'maxlen', 'delivery_limit']);
    assert.equal(resolvePointer(components, ['components', 'parameters', 'OrderId', 'examples', '1']), 'ORD-2025-004218');
    assert.equal(resolvePointer(read(path.join(NAV_FIXTURES, 'escaped-keys.yaml')), ['components', 'schemas', 'a/b~c', 'type']), 'string');
  });

  it('is undefined for what is not there', () => {
    const components = read(COMPONENTS);
    assert.equal(resolvePointer(components, ['components', 'schemas', 'Nope']), undefined);
    assert.equal(resolvePointer(components, ['components', 'parameters', 'OrderId', 'examples', '7']), undefined);
    assert.equal(resolvePointer(components, ['components', 'schemas', 'DeathReason', 'enum', 'length']), undefined);
  });
});
