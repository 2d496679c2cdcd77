import assert from 'node:assert/strict';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020, { type AnySchema } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, it } from 'node:test';
import type { Counterexample } from '../../../src/core/evolve/counterexample';
import type { ChangeClass, CompatibilityMode, DiffReport } from '../../../src/core/evolve/documentDiff';
import { app, at, describeChanges, diff, type Json } from './support';

type Expect = ChangeClass | 'no change';
const B: ChangeClass = 'breaking';
const NB: ChangeClass = 'non-breaking';
const U: ChangeClass = 'unclassified';

/** [case, old payload, new payload, rule, class when the app sends it, class when it receives it] */
const SCHEMA_CASES: [string, unknown, unknown, string, Expect, Expect][] = [
  ['type narrowed', { type: ['string', 'number'] }, { type: 'string' }, 'type-narrowed', NB, B],
  ['type widened', { type: 'string' }, { type: ['string', 'number'] }, 'type-widened', B, NB],
  ['type changed', { type: 'string' }, { type: 'boolean' }, 'type-changed', B, B],
  ['integer widened to number', { type: 'integer' }, { type: 'number' }, 'type-widened', B, NB],
  ['number narrowed to integer', { type: 'number' }, { type: 'integer' }, 'type-narrowed', NB, B],
  ['type added where any was allowed', {}, { type: 'object' }, 'type-narrowed', NB, B],
  ['null added to the type list', { type: 'string' }, { type: ['string', 'null'] }, 'nullable-added', B, NB],
  ['null removed from the type list', { type: ['string', 'null'] }, { type: 'string' }, 'nullable-removed', NB, B],
  ['nullable: true added', { type: 'string' }, { type: 'string', nullable: true }, 'nullable-added', B, NB],
  ['enum narrowed', { enum: ['a', 'b', 'c'] }, { enum: ['a', 'b'] }, 'enum-narrowed', NB, B],
  ['enum widened', { enum: ['a'] }, { enum: ['a', 'b'] }, 'enum-widened', B, NB],
  ['enum values swapped', { enum: ['a', 'b'] }, { enum: ['a', 'c'] }, 'enum-changed', B, B],
  ['enum added', { type: 'string' }, { type: 'string', enum: ['a'] }, 'enum-narrowed', NB, B],
  ['enum removed', { type: 'string', enum: ['a'] }, { type: 'string' }, 'enum-widened', B, NB],
  ['const changed', { const: 'v1' }, { const: 'v2' }, 'enum-changed', B, B],
  ['const into an enum holding it', { const: 'v1' }, { enum: ['v1', 'v2'] }, 'enum-widened', B, NB],
  ['minimum raised', { type: 'integer', minimum: 0 }, { type: 'integer', minimum: 1 }, 'bound-tightened', NB, B],
  ['maximum raised', { type: 'integer', maximum: 10 }, { type: 'integer', maximum: 20 }, 'bound-loosened', B, NB],
  ['exclusiveMinimum added', { type: 'number' }, { type: 'number', exclusiveMinimum: 0 }, 'bound-tightened', NB, B],
  ['maximum removed', { type: 'number', maximum: 5 }, { type: 'number' }, 'bound-loosened', B, NB],
  ['multipleOf to a multiple', { type: 'integer', multipleOf: 2 }, { type: 'integer', multipleOf: 4 }, 'bound-tightened', NB, B],
  ['multipleOf to an unrelated step', { type: 'integer', multipleOf: 2 }, { type: 'integer', multipleOf: 3 }, 'bound-changed', B, B],
  ['maxLength lowered', { type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }, 'length-tightened', NB, B],
  ['minLength lowered', { type: 'string', minLength: 3 }, { type: 'string', minLength: 1 }, 'length-loosened', B, NB],
  ['minItems added', { type: 'array' }, { type: 'array', minItems: 1 }, 'length-tightened', NB, B],
  ['maxProperties raised', { type: 'object', maxProperties: 2 }, { type: 'object', maxProperties: 3 }, 'length-loosened', B, NB],
  ['uniqueItems required', { type: 'array' }, { type: 'array', uniqueItems: true }, 'length-tightened', NB, B],
  ['pattern added', { type: 'string' }, { type: 'string', pattern: '^[a-z]+$' }, 'pattern-added', NB, B],
  ['pattern removed', { type: 'string', pattern: '^[a-z]+$' }, { type: 'string' }, 'pattern-removed', B, NB],
  ['pattern changed', { type: 'string', pattern: '^[a-z]+$' }, { type: 'string', pattern: '^[a-z0-9]+$' }, 'pattern-changed', U, U],
  ['format added', { type: 'string' }, { type: 'string', format: 'uuid' }, 'format-added', NB, B],
  ['format removed', { type: 'string', format: 'email' }, { type: 'string' }, 'format-removed', B, NB],
  ['format changed', { type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }, 'format-changed', B, B],
  ['property added to a closed object', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }, { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, additionalProperties: false }, 'property-added', B, NB],
  ['property added to an open object', { type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } }, 'property-added', NB, B],
  ['property added to a closed object (unevaluatedProperties)', { type: 'object', properties: {}, unevaluatedProperties: false }, { type: 'object', properties: { b: { type: 'string' } }, unevaluatedProperties: false }, 'property-added', B, NB],
  ['property added under an additionalProperties schema', { type: 'object', additionalProperties: { type: 'string' } }, { type: 'object', properties: { b: { type: 'string', maxLength: 3 } }, additionalProperties: { type: 'string' } }, 'length-tightened', NB, B],
  ['property removed from a closed object', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }, { type: 'object', properties: {}, additionalProperties: false }, 'property-removed', NB, B],
  ['property removed from an open object', { type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: {} }, 'property-removed', B, NB],
  ['required added', { type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, 'required-added', NB, B],
  ['required removed', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { a: { type: 'string' } } }, 'required-removed', B, NB],
  ['additionalProperties closed', { type: 'object' }, { type: 'object', additionalProperties: false }, 'additional-properties-closed', NB, B],
  ['additionalProperties opened', { type: 'object', additionalProperties: false }, { type: 'object' }, 'additional-properties-opened', B, NB],
  ['unevaluatedProperties closed', { type: 'object' }, { type: 'object', unevaluatedProperties: false }, 'unevaluated-properties-closed', NB, B],
  ['unevaluatedProperties opened', { type: 'object', unevaluatedProperties: false }, { type: 'object', unevaluatedProperties: true }, 'unevaluated-properties-opened', B, NB],
  ['additionalProperties schema narrowed', { type: 'object', additionalProperties: { type: ['string', 'number'] } }, { type: 'object', additionalProperties: { type: 'string' } }, 'type-narrowed', NB, B],
  ['nested property type changed', { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } } } }, { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'integer' } } } } }, 'type-changed', B, B],
  ['array items type changed', { type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'integer' } }, 'type-changed', B, B],
  ['array items enum widened', { type: 'array', items: { enum: ['a'] } }, { type: 'array', items: { enum: ['a', 'b'] } }, 'enum-widened', B, NB],
  ['tuple position added to a closed tuple', { type: 'array', items: [{ type: 'string' }], additionalItems: false }, { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false }, 'tuple-item-added', B, NB],
  ['tuple position removed from a closed tuple', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false }, { type: 'array', prefixItems: [{ type: 'string' }], items: false }, 'tuple-item-removed', NB, B],
  ['tuple position type changed', { type: 'array', prefixItems: [{ type: 'string' }] }, { type: 'array', prefixItems: [{ type: 'boolean' }] }, 'type-changed', B, B],
  ['tuple position added to an open tuple', { type: 'array', prefixItems: [{ type: 'string' }] }, { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] }, 'type-narrowed', NB, B],
  ['oneOf branch added', { oneOf: [{ type: 'string' }] , type: ['string', 'integer']}, { oneOf: [{ type: 'string' }, { type: 'integer' }], type: ['string', 'integer'] }, 'branch-added', B, NB],
  ['anyOf branch removed', { anyOf: [{ type: 'string' }, { type: 'integer' }] }, { anyOf: [{ type: 'string' }] }, 'branch-removed', NB, B],
  ['anyOf branch edited in place', { anyOf: [{ type: 'string' }, { type: 'integer', maximum: 5 }] }, { anyOf: [{ type: 'string' }, { type: 'integer', maximum: 9 }] }, 'bound-loosened', B, NB],
  ['allOf part added', { allOf: [{ type: 'object' }] }, { allOf: [{ type: 'object' }, { required: ['id'] }] }, 'all-of-added', NB, B],
  ['allOf part removed', { allOf: [{ type: 'object' }, { required: ['id'] }] }, { allOf: [{ type: 'object' }] }, 'all-of-removed', B, NB],
  ['schema wrapped in oneOf', { type: 'string' }, { oneOf: [{ type: 'string' }, { type: 'integer' }] }, 'composition-changed', U, U],
  ['discriminator value added', { discriminator: 'kind', oneOf: [{ properties: { kind: { const: 'a' } } }] }, { discriminator: 'kind', oneOf: [{ properties: { kind: { const: 'a' } } }, { properties: { kind: { const: 'b' } } }] }, 'discriminator-value-added', B, NB],
  ['discriminator value removed', { discriminator: { propertyName: 'kind' }, oneOf: [{ properties: { kind: { const: 'a' } } }, { properties: { kind: { const: 'b' } } }] }, { discriminator: { propertyName: 'kind' }, oneOf: [{ properties: { kind: { const: 'a' } } }] }, 'discriminator-value-removed', NB, B],
  ['discriminator property changed', { discriminator: 'kind', oneOf: [{ type: 'object' }] }, { discriminator: 'type', oneOf: [{ type: 'object' }] }, 'discriminator-changed', B, B],
  ['default changed', { type: 'integer', default: 1 }, { type: 'integer', default: 2 }, 'default-changed', NB, NB],
  ['"not" changed', { not: { type: 'string' } }, { not: { type: 'integer' } }, 'schema-keyword-changed', U, U],
  ['property schema set to false', { type: 'object', properties: { a: true } }, { type: 'object', properties: { a: false } }, 'schema-closed', NB, B],
  ['property schema opened from false', { type: 'object', properties: { a: false } }, { type: 'object', properties: { a: { type: 'string' } } }, 'schema-opened', B, NB],
  ['null added to the type of an enum that lists no null', { type: 'string', enum: ['a'] }, { type: ['string', 'null'], enum: ['a'] }, '', 'no change', 'no change'],
  ['type changed under an enum: only the listed values that keep their type count', { type: 'string', enum: ['a', 1] }, { type: 'integer', enum: ['a', 1] }, 'enum-changed', B, B],
  ['minimum to exclusiveMinimum at the same value', { type: 'number', minimum: 0 }, { type: 'number', exclusiveMinimum: 0 }, 'bound-tightened', NB, B],
  ['exclusiveMaximum to maximum at the same value', { type: 'number', exclusiveMaximum: 10 }, { type: 'number', maximum: 10 }, 'bound-loosened', B, NB],
  ['draft-04 boolean exclusiveMinimum to draft-06 form', { type: 'number', minimum: 0, exclusiveMinimum: true }, { type: 'number', exclusiveMinimum: 0 }, '', 'no change', 'no change'],
  ['integer exclusiveMinimum 0 to minimum 1: the same integers', { type: 'integer', exclusiveMinimum: 0 }, { type: 'integer', minimum: 1 }, '', 'no change', 'no change'],
  ['integer to number with multipleOf 1: the same values', { type: 'integer' }, { type: 'number', multipleOf: 1 }, '', 'no change', 'no change'],
  ['integer to number with multipleOf 2', { type: 'integer' }, { type: 'number', multipleOf: 2 }, 'bound-tightened', NB, B],
  ['const to any value of its type', { const: 'a' }, { type: 'string' }, 'enum-widened', B, NB],
  ['minLength: 0 added', { type: 'string' }, { type: 'string', minLength: 0 }, '', 'no change', 'no change'],
  ['minItems: 0 added', { type: 'array' }, { type: 'array', minItems: 0 }, '', 'no change', 'no change'],
  ['description only', { type: 'string', description: 'old' }, { type: 'string', description: 'new', title: 'T' }, '', 'no change', 'no change'],
];

async function classOf(before: Json, after: Json, rule: string, mode?: CompatibilityMode): Promise<Expect> {
  const report = await diff(before, after, mode ? { mode } : {});
  if (rule === '') return report.changes.length === 0 ? 'no change' : describeChanges(report.changes) as Expect;
  const found = report.changes.filter((change) => change.rule === rule);
  assert.ok(found.length > 0, `expected rule ${rule}, got:\n${describeChanges(report.changes)}`);
  // A change reused in several places is reported once, classed by the worst usage.
  return found.some((change) => change.class === 'breaking') ? 'breaking' : (found[0]?.class as ChangeClass);
}

describe('schema rules, per role', () => {
  for (const [name, before, after, rule, sendClass, receiveClass] of SCHEMA_CASES) {
    it(`${name}: ${sendClass} when sent`, async () => {
      assert.equal(await classOf(app('send', before), app('send', after), rule), sendClass);
    });
    it(`${name}: ${receiveClass} when received`, async () => {
      assert.equal(await classOf(app('receive', before), app('receive', after), rule), receiveClass);
    });
  }
});

describe('effective bounds and types, not keywords', () => {
  const cases: [string, unknown, unknown, string[]][] = [
    ['minimum → exclusiveMinimum at the same value narrows, once', { type: 'number', minimum: 0 }, { type: 'number', exclusiveMinimum: 0 }, ['bound-tightened']],
    ['maximum → exclusiveMaximum lower, once', { type: 'number', maximum: 10 }, { type: 'number', exclusiveMaximum: 5 }, ['bound-tightened']],
    ['const → its type widens the values, the type is not narrowed', { const: 'a' }, { type: 'string' }, ['enum-widened']],
    ['integer → number with multipleOf 3 only adds the step', { type: 'integer' }, { type: 'number', multipleOf: 3 }, ['bound-tightened']],
  ];
  for (const [name, before, after, rules] of cases) {
    it(name, async () => {
      for (const action of ['send', 'receive'] as const) {
        const report = await diff(app(action, before), app(action, after));
        assert.deepEqual(report.changes.map((change) => change.rule), rules, describeChanges(report.changes));
      }
    });
  }
});

describe('modes', () => {
  const widened: [unknown, unknown] = [{ type: 'string' }, { type: ['string', 'number'] }];
  const narrowed: [unknown, unknown] = [{ type: 'string', maxLength: 9 }, { type: 'string', maxLength: 5 }];
  const cases: [CompatibilityMode, 'send' | 'receive', [unknown, unknown], string, Expect][] = [
    ['backward', 'send', widened, 'type-widened', NB],
    ['backward', 'send', narrowed, 'length-tightened', B],
    ['forward', 'receive', widened, 'type-widened', B],
    ['forward', 'receive', narrowed, 'length-tightened', NB],
    ['full', 'send', narrowed, 'length-tightened', B],
    ['full', 'receive', widened, 'type-widened', B],
    ['none', 'send', widened, 'type-widened', NB],
    ['none', 'receive', [{ type: 'string' }, { type: 'boolean' }], 'type-changed', NB],
    ['backward-transitive', 'receive', narrowed, 'length-tightened', B],
    ['forward-transitive', 'send', narrowed, 'length-tightened', NB],
    ['full-transitive', 'send', widened, 'type-widened', B],
    ['role', 'receive', narrowed, 'length-tightened', B],
  ];
  for (const [mode, action, [before, after], rule, expected] of cases) {
    it(`${mode}: ${rule} on a ${action} operation is ${expected}`, async () => {
      assert.equal(await classOf(app(action, before), app(action, after), rule, mode), expected);
    });
  }

  it('takes the mode from x-eventscope-compatibility, and an explicit mode wins over it', async () => {
    const mark = (doc: Json): void => void (doc['x-eventscope-compatibility'] = 'none');
    const before = app('send', widened[0], mark);
    const after = app('send', widened[1], mark);
    const declared = await diff(before, after);
    assert.equal(declared.mode, 'none');
    assert.equal(declared.summary.breaking, 0);
    const explicit = await diff(before, after, { mode: 'forward' });
    assert.equal(explicit.summary.breaking, 1);
    const setting = await diff(app('send', widened[0]), app('send', widened[1]), { defaultMode: 'backward' });
    assert.equal(setting.mode, 'backward');
  });
});

const PAYLOAD = { type: 'object', properties: { id: { type: 'string' } } };

/** [case, edit of the old document, edit of the new one, action, rule, class] */
const ASYNCAPI_CASES: [string, (doc: Json) => void, (doc: Json) => void, 'send' | 'receive', string, Expect][] = [
  ['channel removed', () => undefined, (doc) => { delete at(doc, 'channels').orders; delete at(doc, 'operations').placeOrder; }, 'send', 'channel-removed', B],
  ['channel added', () => undefined, (doc) => { at(doc, 'channels').audit = { address: 'audit' }; }, 'send', 'channel-added', NB],
  ['channel key renamed, address kept', () => undefined, (doc) => { at(doc, 'channels').orders2 = at(doc, 'channels').orders; delete at(doc, 'channels').orders; at(doc, 'operations', 'placeOrder').channel = { $ref: '#/channels/orders2' }; at(doc, 'operations', 'placeOrder').messages = [{ $ref: '#/channels/orders2/messages/orderPlaced' }]; }, 'send', 'channel-renamed', NB],
  ['channel address changed', () => undefined, (doc) => { at(doc, 'channels', 'orders').address = 'orders.v2.{region}'; }, 'send', 'channel-address-changed', B],
  ['address parameter added', () => undefined, (doc) => { at(doc, 'channels', 'orders').address = 'orders.{region}.{shop}'; at(doc, 'channels', 'orders', 'parameters').shop = {}; }, 'receive', 'parameter-added', B],
  ['address parameter removed', () => undefined, (doc) => { at(doc, 'channels', 'orders').address = 'orders'; delete at(doc, 'channels', 'orders').parameters; }, 'send', 'parameter-removed', B],
  ['address parameter renamed in place', () => undefined, (doc) => { at(doc, 'channels', 'orders').address = 'orders.{area}'; at(doc, 'channels', 'orders').parameters = { area: { enum: ['eu', 'us'] } }; }, 'send', 'parameter-renamed', NB],
  ['address parameter values narrowed, sent', () => undefined, (doc) => { at(doc, 'channels', 'orders', 'parameters', 'region').enum = ['eu']; }, 'send', 'enum-narrowed', NB],
  ['address parameter values narrowed, received', () => undefined, (doc) => { at(doc, 'channels', 'orders', 'parameters', 'region').enum = ['eu']; }, 'receive', 'enum-narrowed', B],
  ['operation removed', () => undefined, (doc) => { delete at(doc, 'operations').placeOrder; }, 'receive', 'operation-removed', B],
  ['operation added', () => undefined, (doc) => { at(doc, 'operations').auditOrder = { action: 'receive', channel: { $ref: '#/channels/orders' } }; }, 'send', 'operation-added', NB],
  ['operation renamed', () => undefined, (doc) => { at(doc, 'operations').submitOrder = at(doc, 'operations').placeOrder; delete at(doc, 'operations').placeOrder; }, 'send', 'operation-renamed', NB],
  ['action flipped', () => undefined, (doc) => { at(doc, 'operations', 'placeOrder').action = 'receive'; }, 'send', 'operation-action-changed', B],
  ['message added to a sent channel', () => undefined, addCancelled, 'send', 'message-added', B],
  ['message added to a received channel', () => undefined, addCancelled, 'receive', 'message-added', NB],
  ['message removed from a received multi-message channel', addCancelled, () => undefined, 'receive', 'message-removed', B],
  ['message removed from a sent multi-message channel', addCancelled, () => undefined, 'send', 'message-removed', NB],
  ['message renamed, content kept', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').name = 'OrderPlacedV1'; }, 'send', 'message-renamed', NB],
  ['headers: required header added, received', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced', 'headers').required = ['traceId']; }, 'receive', 'required-added', B],
  ['headers: required header added, sent', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced', 'headers').required = ['traceId']; }, 'send', 'required-added', NB],
  ['headers: header type changed', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced', 'headers', 'properties').traceId = { type: 'integer' }; }, 'send', 'type-changed', B],
  ['correlation ID moved', (doc) => { at(doc, 'components', 'messages', 'orderPlaced').correlationId = { location: '$message.header#/traceId' }; }, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').correlationId = { location: '$message.payload#/id' }; }, 'send', 'correlation-id-changed', B],
  ['content type changed', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').contentType = 'application/avro'; }, 'receive', 'content-type-changed', B],
  ['default content type changed under a message without its own', (doc) => { delete at(doc, 'components', 'messages', 'orderPlaced').contentType; doc.defaultContentType = 'application/json'; }, (doc) => { delete at(doc, 'components', 'messages', 'orderPlaced').contentType; doc.defaultContentType = 'text/plain'; }, 'send', 'content-type-changed', B],
  ['schemaFormat changed to Avro', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').payload = { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: { type: 'record', name: 'Order', fields: [] } }; }, 'send', 'schema-format-changed', B],
  ['Avro payload changed', (doc) => { at(doc, 'components', 'messages', 'orderPlaced').payload = { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: { type: 'record', name: 'Order', fields: [] } }; }, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').payload = { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] } }; }, 'send', 'payload-undecided', U],
  ['payload wrapped in a JSON Schema schemaFormat object', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').payload = { schemaFormat: 'application/schema+json;version=draft-07', schema: { $ref: '#/components/schemas/Payload' } }; }, 'send', '', 'no change'],
  ['server removed', () => undefined, (doc) => { delete doc.servers; }, 'send', 'server-removed', B],
  ['server added', () => undefined, (doc) => { at(doc, 'servers').backup = { host: 'backup:9092', protocol: 'kafka' }; }, 'send', 'server-added', NB],
  ['server protocol changed', () => undefined, (doc) => { at(doc, 'servers', 'prod').protocol = 'kafka-secure'; }, 'send', 'server-protocol-changed', B],
  ['server host changed', () => undefined, (doc) => { at(doc, 'servers', 'prod').host = 'other:9092'; }, 'receive', 'server-host-changed', B],
  ['Kafka key schema narrowed, received', () => undefined, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').bindings = { kafka: { key: { type: 'string', maxLength: 8 } } }; }, 'receive', 'type-narrowed', B],
  ['Kafka key schema narrowed, sent', (doc) => { at(doc, 'components', 'messages', 'orderPlaced').bindings = { kafka: { key: { type: 'string' } } }; }, (doc) => { at(doc, 'components', 'messages', 'orderPlaced').bindings = { kafka: { key: { type: 'string', maxLength: 8 } } }; }, 'send', 'length-tightened', NB],
  ['Kafka channel binding changed', (doc) => { at(doc, 'channels', 'orders').bindings = { kafka: { partitions: 3 } }; }, (doc) => { at(doc, 'channels', 'orders').bindings = { kafka: { partitions: 6 } }; }, 'send', 'binding-changed', U],
  ['binding version bumped only', (doc) => { at(doc, 'channels', 'orders').bindings = { kafka: { bindingVersion: '0.4.0' } }; }, (doc) => { at(doc, 'channels', 'orders').bindings = { kafka: { bindingVersion: '0.5.0' } }; }, 'send', '', 'no change'],
  ['security added to an operation', addScheme, (doc) => { addScheme(doc); at(doc, 'operations', 'placeOrder').security = [{ $ref: '#/components/securitySchemes/sasl' }]; }, 'send', 'security-added', B],
  ['security removed from an operation', (doc) => { addScheme(doc); at(doc, 'operations', 'placeOrder').security = [{ $ref: '#/components/securitySchemes/sasl' }]; }, addScheme, 'send', 'security-removed', NB],
  ['security scheme swapped', (doc) => { addScheme(doc); at(doc, 'servers', 'prod').security = [{ $ref: '#/components/securitySchemes/sasl' }]; }, (doc) => { addScheme(doc); at(doc, 'servers', 'prod').security = [{ $ref: '#/components/securitySchemes/cert' }]; }, 'send', 'security-changed', B],
  ['security alternative added', (doc) => { addScheme(doc); at(doc, 'servers', 'prod').security = [{ $ref: '#/components/securitySchemes/sasl' }]; }, (doc) => { addScheme(doc); at(doc, 'servers', 'prod').security = [{ $ref: '#/components/securitySchemes/sasl' }, { $ref: '#/components/securitySchemes/cert' }]; }, 'send', 'security-alternative-added', NB],
  ['reply address changed', addReply('$message.header#/replyTo'), addReply('$message.header#/reply'), 'send', 'reply-changed', B],
  ['reply message narrowed: the requester receives it', addReply('$message.header#/replyTo'), (doc) => { addReply('$message.header#/replyTo')(doc); at(doc, 'components', 'messages', 'orderPlaced', 'headers').required = ['traceId']; }, 'send', 'required-added', B],
];

function addCancelled(doc: Json): void {
  at(doc, 'components', 'messages').orderCancelled = { name: 'orderCancelled', payload: { type: 'object', properties: { reason: { type: 'string' } } } };
  at(doc, 'channels', 'orders', 'messages').orderCancelled = { $ref: '#/components/messages/orderCancelled' };
  (at(doc, 'operations', 'placeOrder').messages as unknown[]).push({ $ref: '#/channels/orders/messages/orderCancelled' });
}

function addScheme(doc: Json): void {
  at(doc, 'components').securitySchemes = { sasl: { type: 'scramSha256' }, cert: { type: 'X509' } };
}

/** The reply carries the same message type, so a change to it is seen on both the request and the reply. */
function addReply(location: string): (doc: Json) => void {
  return (doc) => {
    at(doc, 'channels').replies = { address: null, messages: { answer: { $ref: '#/components/messages/orderPlaced' } } };
    at(doc, 'operations', 'placeOrder').reply = { address: { location }, channel: { $ref: '#/channels/replies' } };
  };
}

describe('AsyncAPI rules', () => {
  for (const [name, editOld, editNew, action, rule, expected] of ASYNCAPI_CASES) {
    it(`${name} (${action}): ${expected}`, async () => {
      assert.equal(await classOf(app(action, PAYLOAD, editOld), app(action, PAYLOAD, editNew), rule), expected);
    });
  }

  it('2.x: publish flipped to subscribe is an action change', async () => {
    const v2 = (verb: 'publish' | 'subscribe'): Json => ({
      asyncapi: '2.6.0',
      info: { title: 'T', version: '1.0.0' },
      channels: { orders: { [verb]: { operationId: 'orders', message: { payload: PAYLOAD } } } },
    });
    assert.equal(await classOf(v2('publish'), v2('subscribe'), 'operation-action-changed'), B);
  });

  it('2.x anonymous message against its named 3.x successor: no change', async () => {
    const v2: Json = {
      asyncapi: '2.6.0',
      info: { title: 'T', version: '1.0.0' },
      channels: { 'orders.{region}': { parameters: { region: { schema: { type: 'string', enum: ['eu', 'us'] } } }, subscribe: { operationId: 'placeOrder', message: { contentType: 'application/json', headers: { type: 'object', properties: { traceId: { type: 'string' } } }, payload: PAYLOAD } } } },
    };
    const v3 = app('send', PAYLOAD, (doc) => void delete doc.servers);
    const report = await diff(v2, v3);
    assert.deepEqual(report.changes, [], describeChanges(report.changes));
  });
});

describe('reporting', () => {
  it('reports a schema reused by two messages once, with both usages', async () => {
    const twice = (doc: Json): void => {
      at(doc, 'components', 'messages').orderShipped = { name: 'orderShipped', payload: { $ref: '#/components/schemas/Payload' } };
      at(doc, 'channels').shipped = { address: 'shipped', messages: { orderShipped: { $ref: '#/components/messages/orderShipped' } } };
      at(doc, 'operations').ship = { action: 'send', channel: { $ref: '#/channels/shipped' } };
    };
    const report = await diff(app('send', PAYLOAD, twice), app('send', { ...PAYLOAD, required: ['id'] }, twice));
    const required = report.changes.filter((change) => change.rule === 'required-added');
    assert.equal(required.length, 1, describeChanges(report.changes));
    assert.equal(required[0]?.new?.pointer, '/components/schemas/Payload/required');
    assert.equal(required[0]?.usages.length, 2);
    assert.ok(required[0]?.new?.range, 'has a range in the new version');
  });

  it('resolves $ref targets instead of comparing their names', async () => {
    const renamed = (doc: Json): void => {
      at(doc, 'components', 'schemas').Order = at(doc, 'components', 'schemas').Payload;
      delete at(doc, 'components', 'schemas').Payload;
      at(doc, 'components', 'messages', 'orderPlaced').payload = { $ref: '#/components/schemas/Order' };
    };
    assert.deepEqual((await diff(app('send', PAYLOAD), app('send', PAYLOAD, renamed))).changes, []);
    const retargeted = (doc: Json): void => {
      at(doc, 'components', 'schemas').Other = { type: 'string' };
      at(doc, 'components', 'messages', 'orderPlaced').payload = { $ref: '#/components/schemas/Other' };
    };
    assert.equal(await classOf(app('send', PAYLOAD), app('send', PAYLOAD, retargeted), 'type-changed'), B);
  });

  it('compares recursive schemas without looping', async () => {
    const tree = (leaf: string): Json => ({ type: 'object', properties: { value: { type: leaf }, children: { type: 'array', items: { $ref: '#/components/schemas/Payload' } } } });
    assert.deepEqual((await diff(app('send', tree('string')), app('send', tree('string')))).changes, []);
    assert.equal(await classOf(app('send', tree('string')), app('send', tree('integer')), 'type-changed'), B);
  });

  it('an unreadable $ref is unclassified with the reason', async () => {
    const remote = (doc: Json): void => void (at(doc, 'components', 'messages', 'orderPlaced').payload = { $ref: 'https://example.com/order.json' });
    const report = await diff(app('send', PAYLOAD), app('send', PAYLOAD, remote));
    const change = report.changes.find((candidate) => candidate.rule === 'schema-unresolved');
    assert.equal(change?.class, U);
    assert.match(change?.message ?? '', /remote \$ref https:\/\/example.com\/order.json is not fetched/);
  });

  it('project config: switch a rule off, re-class one, ignore a path, without touching the next run', async () => {
    const before = app('send', PAYLOAD);
    const after = app('send', { ...PAYLOAD, properties: { id: { type: 'integer' } }, required: ['id'] });
    assert.ok(!(await diff(before, after, { rules: { 'type-changed': 'off' } })).changes.some((change) => change.rule === 'type-changed'));
    const reclassed = await diff(before, after, { rules: { 'type-changed': 'non-breaking' } });
    assert.equal(reclassed.changes.find((change) => change.rule === 'type-changed')?.class, NB);
    const ignored = await diff(before, after, { ignore: [{ path: '/components/schemas/Payload/properties/id' }] });
    assert.deepEqual(ignored.changes.map((change) => change.rule), ['required-added']);
    const plain = await diff(before, after);
    assert.equal(plain.changes.find((change) => change.rule === 'type-changed')?.class, B);
  });
});

describe('version check', () => {
  const widen = (version: string): [Json, Json] => [app('send', { type: 'string' }), app('send', { type: ['string', 'null'] }, (doc) => void (at(doc, 'info').version = version))];
  it('breaking without a major bump is an error, with the required bump', async () => {
    const report = await diff(...widen('1.1.0'));
    assert.equal(report.version.requiredBump, 'major');
    assert.equal(report.version.versionOk, false);
    assert.equal(report.version.problem?.severity, 'error');
  });
  it('breaking with a major bump is fine', async () => {
    assert.equal((await diff(...widen('2.0.0'))).version.versionOk, true);
  });
  it('before 1.0 a minor bump is enough for a breaking change', async () => {
    const [before, after] = widen('0.3.0');
    at(before, 'info').version = '0.2.0';
    const report = await diff(before, after);
    assert.equal(report.version.requiredBump, 'minor');
    assert.equal(report.version.versionOk, true);
  });
  it('non-breaking changes without a version change are a warning', async () => {
    const report = await diff(app('receive', { type: 'string' }), app('receive', { type: ['string', 'null'] }));
    assert.equal(report.summary.breaking, 0);
    assert.equal(report.version.requiredBump, 'minor');
    assert.equal(report.version.versionOk, true);
    assert.equal(report.version.problem?.severity, 'warning');
  });
  it('no change needs no bump', async () => {
    const report = await diff(app('send', PAYLOAD), app('send', PAYLOAD));
    assert.equal(report.version.requiredBump, 'none');
    assert.equal(report.version.problem, undefined);
  });
});

/** Breaking rows whose change has no counterexample, because none exists: both versions accept the same messages. */
const NO_COUNTEREXAMPLE: Record<string, string> = {
  'discriminator property changed': 'the discriminator steers dispatch, not validation: both versions accept the same messages',
};

describe('counterexamples', () => {
  const ajv2019 = addFormats(new Ajv2019({ strict: false }));
  const ajv2020 = addFormats(new Ajv2020({ strict: false }));
  const accepts = (schema: unknown, message: unknown): boolean => {
    const ajv = JSON.stringify(schema).includes('"prefixItems"') ? ajv2020 : ajv2019;
    return ajv.validate(structuredClone(schema) as AnySchema, message) as boolean;
  };

  it('every breaking schema change carries a whole message exactly one version accepts (checked with ajv), or is listed with the reason it has none', async () => {
    let checked = 0;
    for (const [name, before, after, , sendClass, receiveClass] of SCHEMA_CASES) {
      for (const [action, expected] of [['send', sendClass], ['receive', receiveClass]] as const) {
        if (expected !== B) continue;
        const report: DiffReport = await diff(app(action, before), app(action, after));
        for (const change of report.changes.filter((candidate) => candidate.class === B)) {
          const example: Counterexample | undefined = change.counterexample;
          if (name in NO_COUNTEREXAMPLE) {
            assert.equal(example, undefined, `${name}: listed as having no counterexample, yet has ${JSON.stringify(example)}`);
            continue;
          }
          assert.ok(example, `${name} (${action}): breaking ${change.rule} has no counterexample`);
          const verdict = { old: accepts(before, example.message), new: accepts(after, example.message) };
          const rejectedBy = example.acceptedBy === 'old' ? 'new' : 'old';
          assert.ok(verdict[example.acceptedBy] && !verdict[rejectedBy], `${name} (${action}): ${JSON.stringify(example.message)} should pass ${example.acceptedBy} and fail ${rejectedBy}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 70, `only ${checked} counterexamples checked`);
  });

  it('offers no false counterexample where the two versions accept the same messages', async () => {
    for (const [before, after] of [
      [{ type: 'number', minimum: 0 }, { type: 'number', exclusiveMinimum: 0 }],
      [{ type: 'integer' }, { type: 'number', multipleOf: 1 }],
      [{ const: 'a' }, { type: 'string' }],
    ]) {
      for (const action of ['send', 'receive'] as const) {
        const report = await diff(app(action, before), app(action, after));
        for (const change of report.changes) {
          const example = change.counterexample;
          if (!example) continue;
          const verdict = { old: accepts(before, example.message), new: accepts(after, example.message) };
          assert.notEqual(verdict.old, verdict.new, `${JSON.stringify(before)} → ${JSON.stringify(after)}: ${JSON.stringify(example.message)} is accepted or rejected by both`);
        }
      }
    }
  });

  it('a nested counterexample is placed in a full message that satisfies the rest of the schema', async () => {
    const before = { type: 'object', required: ['id', 'order'], properties: { id: { type: 'string', format: 'uuid' }, order: { type: 'object', required: ['lines'], properties: { lines: { type: 'array', minItems: 1, items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } } } } } } } };
    const after = structuredClone(before);
    after.properties.order.properties.lines.items.properties.quantity.minimum = 5;
    const report = await diff(app('receive', before), app('receive', after));
    const example = report.changes.find((change) => change.rule === 'bound-tightened')?.counterexample;
    assert.equal(example?.at, '/order/lines/0/quantity');
    assert.ok(accepts(before, example?.message) && !accepts(after, example?.message), JSON.stringify(example?.message));
  });
});
