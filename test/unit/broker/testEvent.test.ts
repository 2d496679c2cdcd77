import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadedDocument } from '../../../src/core/broker';
import { startAdminServer, type AdminServer } from '../../../src/core/broker/admin';
import { BrokerAdminClient } from '../../../src/core/broker/adminClient';
import { publishOverHttp } from '../../../src/core/broker/httpPublish';
import { sampleOf } from '../../../src/core/broker/sample';
import { testEventFor } from '../../../src/core/broker/testEvent';
import { loadShop, startBroker, type RunningBroker } from './fixtures';

let documents: LoadedDocument[];
let running: RunningBroker;
let admin: AdminServer;
const TOKEN = 'test-event-token-0123456789';

before(async () => {
  documents = await loadShop();
  running = await startBroker();
  admin = await startAdminServer({ broker: running.broker, trace: running.trace, token: TOKEN, documents: () => documents });
});

after(async () => {
  await admin.close();
  await running.close();
});

describe('schema sampler', () => {
  it('prefers const, examples, default and enum, then meets type bounds', () => {
    assert.equal(sampleOf({ const: 7, examples: [1] }), 7);
    assert.equal(sampleOf({ type: 'string', examples: ['ex'] }), 'ex');
    assert.equal(sampleOf({ type: 'string', enum: ['a', 'b'] }), 'a');
    assert.equal(sampleOf({ type: 'string', minLength: 10 }), 'samplexxxx');
    assert.equal(sampleOf({ type: 'string', maxLength: 3 }), 'sam');
    assert.equal(sampleOf({ type: 'string', format: 'uuid' }), '00000000-0000-4000-8000-000000000000');
    assert.equal(sampleOf({ type: 'integer', exclusiveMinimum: 0 }), 1);
    assert.equal(sampleOf({ type: 'number', minimum: 2.5 }), 2.5);
    assert.deepEqual(sampleOf({ type: 'array', items: { type: 'boolean' }, minItems: 2 }), [true, true]);
    assert.deepEqual(sampleOf({ allOf: [{ properties: { a: { type: 'integer' } } }, { properties: { b: { type: ['null', 'string'] } } }] }), { a: 0, b: 'sample' });
    assert.deepEqual(sampleOf({ oneOf: [{ type: 'boolean' }, { type: 'string' }] }), true);
  });

  it('is deterministic', () => {
    const schema = { type: 'object', properties: { id: { type: 'string', format: 'date-time' }, n: { type: 'integer', minimum: 5 } } };
    assert.deepEqual(sampleOf(schema), sampleOf(schema));
  });
});

describe('send test event', () => {
  it('builds an event for every message on a channel of the shop documents that the broker accepts as valid, from examples and from schemas alone', async () => {
    let checked = 0;
    for (const document of documents) {
      const withoutExamples = structuredClone(document.model);
      for (const message of withoutExamples.messages) message.examples = [];
      for (const channel of document.model.channels) {
        for (const id of channel.messageIds) {
          const message = document.model.messages.find((candidate) => candidate.id === id);
          if (!message || channel.address === null) continue;
          for (const model of [document.model, withoutExamples]) {
            const event = testEventFor(model, { message: message.name ?? message.id, channel: channel.address });
            assert.ok(event, `${message.id} on ${channel.address}`);
            assert.doesNotMatch(event.topic, /[{}]/);
            const result = await publishOverHttp(running.httpUrl, event);
            assert.equal(result.status, 202, JSON.stringify(result));
            assert.equal(result.valid, true, `${event.source} event for ${message.id} on ${event.topic}: ${JSON.stringify(result.errors)}`);
            assert.equal(result.message, message.name ?? message.id);
            checked++;
          }
        }
      }
    }
    assert.ok(checked >= 10, `${checked} events`);
  });

  it('serves the event from the admin API and fills the address parameters from the example', async () => {
    const client = new BrokerAdminClient(admin.port, TOKEN);
    const event = await client.testEvent('OrderPlaced', 'shop/orders/{orderId}/placed');
    assert.equal(event.source, 'example');
    assert.equal(event.topic, `shop/orders/${String((event.payload as { orderId: string }).orderId)}/placed`);
    await assert.rejects(client.testEvent('NoSuchMessage'), /404/);
  });
});
