import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffDocuments } from '../../../src/core/evolve/documentDiff';
import { impactOf } from '../../../src/core/evolve/impact';
import { app, at, load, type Json } from './support';

describe('impact on other applications in the workspace', () => {
  it('marks the consumers of a channel whose sent message widens as broken, and co-producers as not', async () => {
    const before = await load(app('send', { type: 'string' }), 'producer-old.json');
    const after = await load(app('send', { type: ['string', 'integer'] }), 'producer.json');
    const consumer = await load(app('receive', { type: 'string' }, (doc) => void (at(doc, 'info').title = 'Billing')), 'billing.json');
    const coProducer = await load(app('send', { type: 'string' }, (doc) => void (at(doc, 'info').title = 'Replay')), 'replay.json');
    const elsewhere = await load(app('receive', { type: 'string' }, (doc) => {
      at(doc, 'info').title = 'Audit';
      at(doc, 'channels', 'orders').address = 'audit.{region}';
    }), 'audit.json');
    const report = diffDocuments(before, after);
    assert.equal(report.summary.breaking, 1);
    const impact = impactOf(report, after, [after, consumer, coProducer, elsewhere]);
    assert.deepEqual(impact, [
      {
        address: 'orders.{region}',
        applications: [
          { file: consumer.file, title: 'Billing', operation: 'placeOrder', action: 'receive', counterpart: true, broken: true },
          { file: coProducer.file, title: 'Replay', operation: 'placeOrder', action: 'send', counterpart: false, broken: false },
        ],
      },
    ]);
  });

  it('a non-breaking change breaks no counterpart', async () => {
    const before = await load(app('send', { type: ['string', 'integer'] }), 'producer-old.json');
    const after = await load(app('send', { type: 'string' }), 'producer.json');
    const consumer = await load(app('receive', { type: 'string' }), 'billing.json');
    const impact = impactOf(diffDocuments(before, after), after, [consumer]);
    assert.equal(impact[0]?.applications[0]?.broken, false);
    assert.equal(impact[0]?.applications[0]?.counterpart, true);
  });

  it('only counterparts that use the changed message, and whose own schema does not absorb the change, are broken', async () => {
    const named = (title: string, message = 'orderPlaced') => (doc: Json): void => {
      at(doc, 'info').title = title;
      at(doc, 'components', 'messages', 'orderPlaced').name = message;
    };
    const before = await load(app('send', { type: 'string' }), 'producer-old.json');
    const after = await load(app('send', { type: ['string', 'integer'] }), 'producer.json');
    const strict = await load(app('receive', { type: 'string' }, named('Billing')), 'billing.json');
    const otherMessage = await load(app('receive', { type: 'string' }, named('Refunds', 'orderCancelled')), 'refunds.json');
    const lenient = await load(app('receive', { type: ['string', 'integer', 'null'] }, named('Search')), 'search.json');
    const report = diffDocuments(before, after);
    assert.equal(report.summary.breaking, 1);
    const broken = impactOf(report, after, [strict, otherMessage, lenient])[0]?.applications.map((application) => [application.title, application.broken]);
    assert.deepEqual(broken, [['Billing', true], ['Refunds', false], ['Search', false]]);
  });

  it('a receiver narrowing breaks only the producers that send what it now rejects', async () => {
    const titled = (title: string) => (doc: Json): void => void (at(doc, 'info').title = title);
    const before = await load(app('receive', { type: ['string', 'integer'] }), 'consumer-old.json');
    const after = await load(app('receive', { type: 'string' }), 'consumer.json');
    const stringsOnly = await load(app('send', { type: 'string', maxLength: 8 }, titled('Web')), 'web.json');
    const numbersToo = await load(app('send', { type: ['string', 'integer'] }, titled('Batch')), 'batch.json');
    const broken = impactOf(diffDocuments(before, after), after, [stringsOnly, numbersToo])[0]?.applications.map((application) => [application.title, application.broken]);
    assert.deepEqual(broken, [['Web', false], ['Batch', true]]);
  });
});
