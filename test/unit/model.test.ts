import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { EventModel } from '../../src/core/model/eventModel';
import { CORPUS, validateFile, validateText } from './helpers';

/** What a client sees of a document: channel addresses, and per operation its action, address and messages. */
function wireView(model: EventModel, byName: boolean): { channels: string[]; operations: string[] } {
  const address = (id?: string): string => model.channels.find((channel) => channel.id === id)?.address ?? '?';
  const describeMessage = (id: string): string => {
    const message = model.messages.find((candidate) => candidate.id === id);
    return byName ? (message?.name ?? '?') : JSON.stringify(message?.payload);
  };
  return {
    channels: model.channels.map((channel) => channel.address ?? '').sort(),
    operations: model.operations.map((operation) => `${operation.action} ${address(operation.channelId)} ${operation.messageIds.map(describeMessage).sort().join('|')}`).sort(),
  };
}

function corpusPairs(): [string, string][] {
  const single = readdirSync(path.join(CORPUS, 'v2.6'))
    .filter((name) => name.endsWith('.yml'))
    .map((name): [string, string] => [path.join(CORPUS, 'v2.6', name), path.join(CORPUS, 'v3', name.replace('.yml', '-asyncapi.yml'))]);
  const services = readdirSync(path.join(CORPUS, 'v2.6/social-media'))
    .filter((name) => name !== 'common')
    .map((name): [string, string] => [path.join(CORPUS, 'v2.6/social-media', name, 'asyncapi.yaml'), path.join(CORPUS, 'v3/social-media', name, 'asyncapi.yaml')]);
  return [...single, ...services];
}

describe('normalized model: every v2.6 corpus document matches its v3 counterpart', () => {
  const pairs = corpusPairs();
  it('finds the pairs', () => assert.equal(pairs.length, 21));
  for (const [v2, v3] of pairs) {
    it(path.relative(CORPUS, v2), async () => {
      const [old, current] = await Promise.all([validateFile(v2), validateFile(v3)]);
      assert.ok(old.model && current.model, 'both documents yield a model');
      assert.equal(old.model.major, 2);
      assert.equal(current.model.major, 3);
      // Messages anonymous in 2.6 are named in 3.x: compare them by payload, named ones by name too.
      assert.deepEqual(wireView(old.model, false), wireView(current.model, false));
      const allNamed = old.model.messages.every((message) => message.name !== undefined);
      if (allNamed) assert.deepEqual(wireView(old.model, true), wireView(current.model, true));
    });
  }
});

describe('normalized model details', () => {
  it('maps 2.x publish to receive and subscribe to send (the application’s point of view)', async () => {
    const { model } = await validateText(`asyncapi: 2.6.0
info: { title: t, version: 1.0.0 }
channels:
  in:
    publish:
      operationId: onIn
      message: { name: In, payload: { type: string } }
  out:
    subscribe:
      operationId: sendOut
      message: { name: Out, payload: { type: string } }
`);
    assert.deepEqual(
      model?.operations.map((operation) => [operation.id, operation.action, operation.channelId]),
      [['onIn', 'receive', 'in'], ['sendOut', 'send', 'out']],
    );
  });

  it('unwraps 3.x multi-format payloads and keeps correlation IDs, examples and content type', async () => {
    const { model } = await validateText(`asyncapi: 3.0.0
info: { title: t, version: 1.0.0 }
channels:
  c:
    address: a/{id}
    parameters: { id: { enum: [x, y] } }
    messages:
      M:
        contentType: application/json
        correlationId: { location: '$message.header#/cid' }
        headers: { type: object, properties: { cid: { type: string } } }
        payload:
          schemaFormat: application/vnd.aai.asyncapi+json;version=3.0.0
          schema: { type: object, properties: { n: { type: integer } } }
        examples: [{ payload: { n: 1 } }]
operations:
  o: { action: receive, channel: { $ref: '#/channels/c' } }
`);
    const message = model?.messages[0];
    assert.equal(message?.name, 'M');
    assert.deepEqual(message?.payload, { type: 'object', properties: { n: { type: 'integer' } } });
    assert.deepEqual(message?.payloadPath, ['channels', 'c', 'messages', 'M', 'payload', 'schema']);
    assert.equal(message?.schemaFormat, 'application/vnd.aai.asyncapi+json;version=3.0.0');
    assert.equal(message?.correlationId?.location, '$message.header#/cid');
    assert.equal(message?.contentType, 'application/json');
    assert.deepEqual(message?.examples.map((example) => example.payload), [{ n: 1 }]);
    assert.deepEqual(model?.channels[0]?.parameters.map((parameter) => parameter.schema), [{ type: 'string', enum: ['x', 'y'] }]);
    // An operation without `messages` carries all of its channel's messages.
    assert.deepEqual(model?.operations[0]?.messageIds, ['M']);
  });
});
