import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaTopicCollisions, kafkaTopicOf, kafkaTopicPattern, kafkaTopicResolver } from '../../src/core/protocols/kafkaTopics';

describe('Kafka topics of channel addresses', () => {
  it('maps "/" to "." and any other character Kafka forbids to "_", keeping parameters', () => {
    assert.equal(kafkaTopicOf('shop/orders/{orderId}/placed'), 'shop.orders.{orderId}.placed');
    assert.equal(kafkaTopicOf('user signed-up:v1'), 'user_signed-up_v1');
    assert.equal(kafkaTopicOf('shop.orders'), 'shop.orders');
    const pattern = kafkaTopicPattern('shop.orders.{orderId}.placed') as RegExp;
    assert.ok(pattern.test('shop.orders.ORD-1.placed'));
    assert.ok(!pattern.test('shopXorders.ORD-1.placed'), 'a "." in the topic is a literal dot');
  });

  it('gives back the address a topic was sent to, with its parameter values', () => {
    const addressOf = kafkaTopicResolver(['shop/orders/{orderId}/placed', 'shop/orders/{orderId}/lines/{line}', 'audit']);
    assert.equal(addressOf('shop.orders.ORD-1.placed'), 'shop/orders/ORD-1/placed');
    assert.equal(addressOf('shop.orders.ORD-1.lines.2'), 'shop/orders/ORD-1/lines/2');
    assert.equal(addressOf('audit'), 'audit');
    assert.equal(addressOf('elsewhere'), undefined);
  });

  it('finds addresses that share a topic, whatever their parameters are called', () => {
    assert.deepEqual(kafkaTopicCollisions(['a/b', 'a.b', 'a_b', 'c/{x}', 'c.{y}', 'd']), [
      { topic: 'a.b', addresses: ['a.b', 'a/b'] },
      { topic: 'c.{}', addresses: ['c.{y}', 'c/{x}'] },
    ]);
    assert.deepEqual(kafkaTopicCollisions(['shop/orders/{id}/placed', 'shop/orders/{id}/shipped']), []);
  });
});
