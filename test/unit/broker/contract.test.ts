import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Contract, ValidatorCache } from '../../../src/core/broker/contract';
import { decodeBody, encodeBody } from '../../../src/core/broker/envelope';
import { parseShared, topicMatches } from '../../../src/core/broker/topics';
import { buildEventModel, type EventModel } from '../../../src/core/model/eventModel';

const kind = (value: string): unknown => ({ type: 'object', required: ['kind'], properties: { kind: { const: value }, n: { type: 'integer' } }, additionalProperties: false });
const model = buildEventModel({
  asyncapi: '3.0.0',
  info: { title: 'T', version: '1' },
  channels: {
    readings: {
      address: 'sensors/{sensorId}/readings',
      parameters: { sensorId: { enum: ['s1', 's2'] } },
      messages: {
        Temperature: { payload: { ...(kind('temperature') as object), discriminator: 'kind' } },
        Humidity: { payload: { ...(kind('humidity') as object), discriminator: 'kind' } },
      },
    },
    status: {
      address: 'sensors/status',
      messages: {
        Online: { headers: { type: 'object', required: ['since'] }, payload: { type: 'object', required: ['online'] } },
        Offline: { payload: { type: 'object', required: ['offline'] } },
      },
    },
  },
}) as EventModel;
const contract = new Contract([{ file: 'sensors.yaml', version: '1', model }], new ValidatorCache());

describe('contract', () => {
  it('matches address templates to topics, literal addresses first, and checks parameters', () => {
    assert.deepEqual(contract.match('sensors/s1/readings')?.params, { sensorId: 's1' });
    assert.equal(contract.match('sensors/status')?.channel.address, 'sensors/status');
    assert.equal(contract.match('sensors/s1/readings/extra'), undefined);
    const bad = contract.check('sensors/s9/readings', {}, { kind: 'humidity' }, true);
    assert.deepEqual(bad.validation.errors.map((error) => [error.part, error.instancePath]), [['parameters', '/sensorId']]);
  });

  it('selects the message by discriminator, by name header, or by the schema that fits', () => {
    assert.equal(contract.check('sensors/s1/readings', {}, { kind: 'humidity', n: 1 }, true).message?.name, 'Humidity');
    const wrongField = contract.check('sensors/s1/readings', {}, { kind: 'temperature', n: 'x' }, true);
    assert.equal(wrongField.message?.name, 'Temperature');
    assert.equal(wrongField.validation.errors[0]?.instancePath, '/n');
    assert.equal(contract.check('sensors/status', {}, { offline: true }, true).message?.name, 'Offline');
    const named = contract.check('sensors/status', { 'x-eventscope-message': 'Online' }, { offline: true }, true);
    assert.equal(named.message?.name, 'Online');
    assert.deepEqual(named.validation.errors.map((error) => error.part).sort(), ['headers', 'payload']);
    assert.match(contract.check('sensors/status', { 'x-eventscope-message': 'Nope' }, {}, true).validation.errors[0]?.message ?? '', /no message named "Nope"/);
    assert.equal(contract.check('elsewhere', {}, {}, true).validation.errors[0]?.part, 'channel');
  });

  it('carries headers over MQTT 3.1.1 in an envelope, and any other body as the payload', () => {
    assert.deepEqual(decodeBody(encodeBody({ a: 1 }, { b: 2 })), { headers: { a: 1 }, payload: { b: 2 }, json: true, envelope: true });
    assert.deepEqual(decodeBody(Buffer.from('{"headers":{},"payload":1,"more":2}')).envelope, false);
    assert.deepEqual(decodeBody(Buffer.from('plain text')), { headers: {}, payload: 'plain text', json: false, envelope: false });
  });

  it('parses shared subscriptions and matches topic filters like MQTT', () => {
    assert.deepEqual(parseShared('$share/workers/jobs/+'), { group: 'workers', filter: 'jobs/+' });
    assert.equal(parseShared('$share/workers'), undefined);
    assert.equal(topicMatches('a/+/c', 'a/b/c'), true);
    assert.equal(topicMatches('a/#', 'a'), true);
    assert.equal(topicMatches('#', '$dlq/a'), false);
  });
});
