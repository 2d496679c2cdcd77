import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Range } from '../../../src/shared/findings';
import { outline, type OutlineSymbol } from '../../../src/core/nav/outline';
import { COMPONENTS, CORPUS, EXAMPLES, NAV_FIXTURES, lineMatching, read } from './support';

function child(symbols: readonly OutlineSymbol[], name: string): OutlineSymbol {
  const found = symbols.find((symbol) => symbol.name === name);
  if (!found) throw new Error(`no symbol ${name} among ${symbols.map((symbol) => symbol.name).join(', ')}`);
  return found;
}

const names = (symbols: readonly OutlineSymbol[]): string[] => symbols.map((symbol) => symbol.name);
const contains = (outer: Range, inner: Range): boolean =>
  (outer.start.line < inner.start.line || (outer.start.line === inner.start.line && outer.start.character <= inner.start.character)) &&
  (outer.end.line > inner.end.line || (outer.end.line === inner.end.line && outer.end.character >= inner.end.character));

describe('outline of a 3.0 YAML document', () => {
  const text = read(path.join(EXAMPLES, 'orders/asyncapi.yaml'));
  const symbols = outline(text);

  it('lists info, servers, channels and operations', () => {
    assert.deepEqual(names(symbols), ['info', 'servers', 'channels', 'operations']);
    assert.deepEqual(child(symbols, 'info'), { ...child(symbols, 'info'), detail: 'Orders Service 1.4.0', kind: 'document' });
    assert.deepEqual(
      child(symbols, 'servers').children.map((server) => [server.name, server.kind, server.detail]),
      [['mqtt', 'server', 'mqtt localhost:1883']],
    );
  });

  it('shows channel addresses and their messages', () => {
    const channels = child(symbols, 'channels');
    assert.equal(channels.kind, 'channel');
    assert.deepEqual(names(channels.children), ['orderPlaced', 'paymentRequests', 'paymentReplies', 'orderConfirmed', 'orderCancelled']);
    const replies = child(channels.children, 'paymentReplies');
    assert.equal(replies.detail, 'shop/payments/replies');
    assert.deepEqual(replies.children.map((message) => [message.name, message.kind]), [['PaymentCompleted', 'message'], ['PaymentFailed', 'message']]);
    assert.equal(replies.children[0]?.detail, '→ ../common/components.yaml#/components/messages/PaymentCompleted');
  });

  it('shows each operation with its action and channel', () => {
    const operations = child(symbols, 'operations').children;
    assert.deepEqual(
      operations.map((operation) => `${operation.name}: ${operation.detail ?? ''}`),
      ['publishOrderPlaced: send orderPlaced', 'requestPayment: send paymentRequests', 'publishOrderConfirmed: send orderConfirmed', 'publishOrderCancelled: send orderCancelled'],
    );
  });

  it('spans the whole entry and selects its key', () => {
    const orderPlaced = child(child(symbols, 'channels').children, 'orderPlaced');
    const keyLine = lineMatching(text, /^ {2}orderPlaced:$/);
    assert.deepEqual(orderPlaced.selectionRange, { start: { line: keyLine, character: 2 }, end: { line: keyLine, character: 13 } });
    assert.deepEqual(orderPlaced.range.start, { line: keyLine, character: 2 });
    assert.equal(orderPlaced.range.end.line, lineMatching(text, /^ {6}- name: fan-out$/), 'ends on the last line of its value');
    const operations = child(symbols, 'operations');
    assert.equal(operations.range.start.line, lineMatching(text, /^operations:$/));
    assert.equal(operations.range.end.line, text.trimEnd().split('\n').length - 1);
  });
});

describe('outline of a 2.6 document', () => {
  const symbols = outline(read(path.join(CORPUS, 'v2.6/streetlights-mqtt.yml')));

  it('names channels by address with publish/subscribe operations and their operationIds', () => {
    const channels = child(symbols, 'channels').children;
    const measured = child(channels, 'smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured');
    assert.deepEqual(measured.children.map((operation) => [operation.name, operation.kind, operation.detail]), [['publish', 'operation', 'receiveLightMeasurement']]);
    const turnOn = child(channels, 'smartylighting/streetlights/1/0/action/{streetlightId}/turn/on');
    assert.deepEqual(turnOn.children.map((operation) => [operation.name, operation.detail]), [['subscribe', 'turnOn']]);
    assert.equal(symbols.some((symbol) => symbol.name === 'operations'), false);
  });

  it('shows servers by url and groups components by kind', () => {
    assert.equal(child(child(symbols, 'servers').children, 'production').detail, 'mqtt test.mosquitto.org:{port}');
    const components = child(symbols, 'components');
    const messages = child(components.children, 'messages');
    assert.equal(messages.kind, 'message');
    assert.deepEqual(names(messages.children), ['lightMeasured', 'turnOnOff', 'dimLight']);
    assert.equal(child(messages.children, 'lightMeasured').detail, 'Light measured');
    assert.equal(child(components.children, 'schemas').kind, 'schema');
    assert.equal(child(child(components.children, 'schemas').children, 'lightMeasuredPayload').detail, 'object');
    assert.equal(child(components.children, 'parameters').children[0]?.kind, 'parameter');
    assert.equal(child(components.children, 'securitySchemes').kind, 'component');
  });
});

describe('outline of JSON documents and shared-component files', () => {
  it('reads JSON like YAML', () => {
    const symbols = outline(read(path.join(NAV_FIXTURES, 'json/asyncapi.json')));
    assert.equal(child(symbols, 'info').detail, 'Ledger 2.1.0');
    assert.equal(child(child(symbols, 'servers').children, 'broker').detail, 'kafka kafka.internal:9092');
    assert.equal(child(child(symbols, 'channels').children, 'entries').detail, 'ledger.{account}.entries');
    assert.equal(child(child(symbols, 'operations').children, 'postEntry').detail, 'send entries');
    const schemas = child(child(outline(read(path.join(NAV_FIXTURES, 'json/shared.json'))), 'components').children, 'schemas');
    assert.deepEqual(schemas.children.map((schema) => [schema.name, schema.kind, schema.detail]), [['Entry', 'schema', 'object']]);
  });

  it('outlines the shared components file', () => {
    const sections = child(outline(read(COMPONENTS)), 'components').children;
    assert.deepEqual(names(sections), ['parameters', 'correlationIds', 'schemas', 'messages']);
    assert.deepEqual(sections.map((section) => section.kind), ['parameter', 'component', 'schema', 'message']);
    assert.ok(names(child(sections, 'messages').children).includes('OrderPlaced'));
  });

  it('lists the top-level definitions of a bare fragment file', () => {
    const symbols = outline(read(path.join(CORPUS, 'v2.6/social-media/common/messages.yaml')));
    assert.deepEqual(names(symbols), ['commentLiked', 'likeComment', 'commentChanged', 'updateCommentLikes']);
    assert.ok(symbols.every((symbol) => symbol.kind === 'component'));
  });

  it('returns nothing for text that is not a mapping', () => {
    assert.deepEqual(outline(''), []);
    assert.deepEqual(outline('- a\n- b\n'), []);
  });
});

describe('outline ranges across the corpus', () => {
  const files = ['v2.6', 'v3'].flatMap((folder) =>
    readdirSync(path.join(CORPUS, folder))
      .filter((name) => name.endsWith('.yml'))
      .map((name) => path.join(CORPUS, folder, name)),
  );

  it('nests every selection range in its range and every child in its parent', () => {
    assert.ok(files.length >= 30);
    for (const file of files) {
      const symbols = outline(read(file));
      assert.ok(symbols.length >= 2, file);
      const check = (symbol: OutlineSymbol, parent?: OutlineSymbol): void => {
        assert.ok(contains(symbol.range, symbol.selectionRange), `${file}: ${symbol.name}`);
        if (parent) assert.ok(contains(parent.range, symbol.range), `${file}: ${symbol.name} in ${parent.name}`);
        symbol.children.forEach((nested) => check(nested, symbol));
      };
      symbols.forEach((symbol) => check(symbol));
    }
  });
});
