import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerNode } from '../../../src/core/model/eventModel';
import { exchangeBindingOf } from '../../../src/core/tap/amqpTap';
import { topicOf } from '../../../src/core/tap/kafkaTap';
import { jetStreamOf } from '../../../src/core/tap/natsTap';
import { attachTap, listServers, resolveEndpoint, serverVariables } from '../../../src/core/tap';
import { channelsOn, wildcardOf } from '../../../src/core/tap/servers';
import { TraceStore } from '../../../src/core/trace/store';
import { shopDocuments } from './support';

const server = (fields: Partial<ServerNode>): ServerNode => ({ name: 'prod', host: 'broker.example.com', protocol: 'mqtt', path: ['servers', 'prod'], ...fields });

describe('tap: servers and variables', () => {
  it('lists the servers of the documents with the variables host and pathname use', async () => {
    const servers = listServers(await shopDocuments());
    assert.deepEqual(
      servers.map(({ server: each }) => each.name),
      ['mqtt', 'amqp', 'nats', 'kafka'],
    );
    assert.deepEqual(serverVariables(servers[0]!.server), [
      { name: 'host', default: '127.0.0.1', enum: ['127.0.0.1', 'localhost'], description: undefined },
      { name: 'port', default: '1883', enum: undefined, description: undefined },
    ]);
    assert.deepEqual(serverVariables(server({ host: '{region}.example.com', pathname: '/{vhost}' })), [{ name: 'region' }, { name: 'vhost' }]);
  });

  it('fills variables from the given values, then the defaults, and checks enums', async () => {
    const [mqtt] = listServers(await shopDocuments());
    assert.deepEqual(resolveEndpoint(mqtt!.server, { port: '1999' }), {
      server: 'mqtt',
      protocol: 'mqtt',
      declaredProtocol: 'mqtt',
      protocolVersion: '5',
      host: '127.0.0.1',
      port: 1999,
      pathname: undefined,
      tls: false,
      bindings: undefined,
    });
    assert.throws(() => resolveEndpoint(mqtt!.server, { host: 'example.com' }), /\{host\} of server "mqtt" must be one of 127\.0\.0\.1, localhost, not "example\.com"/);
    assert.throws(() => resolveEndpoint(server({ host: '{region}.example.com' })), /needs a value for \{region\} \(--var region=…\)/);
  });

  it('reads TLS and default ports from the protocol, and 2.x URLs', () => {
    assert.deepEqual([resolveEndpoint(server({ protocol: 'mqtts' })).tls, resolveEndpoint(server({ protocol: 'mqtts' })).port], [true, 8883]);
    assert.equal(resolveEndpoint(server({ protocol: 'amqp' }), {}, { tls: true }).port, 5671);
    const v2 = resolveEndpoint(server({ host: 'amqp://rabbit.example.com:5673/shop', protocol: 'amqp' }));
    assert.deepEqual([v2.host, v2.port, v2.pathname], ['rabbit.example.com', 5673, '/shop']);
    assert.deepEqual([resolveEndpoint(server({ host: '[::1]:4223', protocol: 'nats' })).host], ['::1']);
    assert.throws(() => resolveEndpoint(server({ protocol: 'ws' })), /speaks ws; the tap speaks mqtt, mqtts/);
  });

  it('taps the channels available on the server: those naming it and those naming none', async () => {
    const [document] = await shopDocuments();
    assert.deepEqual(channelsOn(document!, 'mqtt').map((channel) => channel.address), ['shop/orders/{orderId}/placed']);
    assert.deepEqual(channelsOn(document!, 'amqp').map((channel) => channel.address), ['shop.orders.{orderId}.placed', 'shop.orders.work']);
  });

  it('names an unknown server with the ones there are', async () => {
    await assert.rejects(attachTap({ documents: await shopDocuments(), server: 'nope', trace: new TraceStore() }), /no server "nope" in the documents \(servers: mqtt, amqp, nats, kafka\)/);
  });
});

describe('tap: subscriptions per protocol', () => {
  it('turns parameters into wildcards, widening a parameter inside a level to the rest', () => {
    assert.equal(wildcardOf('shop/orders/{id}/placed', '/', '+', '#'), 'shop/orders/+/placed');
    assert.equal(wildcardOf('shop.orders.{id}.placed', '.', '*', '>'), 'shop.orders.*.placed');
    assert.equal(wildcardOf('shop/orders/{id}/placed', '.', '*', '>'), '>');
    assert.equal(wildcardOf('shop.order-{id}.placed', '.', '*', '#'), 'shop.#');
  });

  it('binds AMQP to the exchange the channel names, by exchange type, and refuses to read a bare queue', () => {
    const exchange = (type: string, address = 'shop.orders.{id}.placed') => exchangeBindingOf({ address, bindings: { amqp: { is: 'routingKey', exchange: { name: 'shop', type } } } });
    assert.deepEqual(exchange('topic'), { exchange: 'shop', routingKey: 'shop.orders.*.placed' });
    assert.deepEqual(exchange('fanout'), { exchange: 'shop', routingKey: '' });
    assert.deepEqual(exchange('direct', 'shop.orders'), { exchange: 'shop', routingKey: 'shop.orders' });
    assert.match((exchange('direct') as { reason: string }).reason, /matches routing keys exactly/);
    assert.match((exchangeBindingOf({ address: 'work', bindings: { amqp: { is: 'queue', queue: { name: 'work' } } } }) as { reason: string }).reason, /the queue work cannot be read without taking messages/);
  });

  it('reads a JetStream stream from the NATS binding, and Kafka topics as patterns', () => {
    assert.equal(jetStreamOf({ address: 'a', bindings: { nats: { 'x-jetstream': { stream: 'ORDERS' } } } }), 'ORDERS');
    assert.equal(jetStreamOf({ address: 'a', bindings: { nats: { queue: 'workers' } } }), undefined);
    assert.equal(topicOf('shop.orders'), 'shop.orders');
    const pattern = topicOf('shop.orders.{id}.placed') as RegExp;
    assert.ok(pattern.test('shop.orders.ORD-1.placed'));
    assert.ok(!pattern.test('shop.orders.ORD 1.placed'), 'no character Kafka forbids');
    // An MQTT-style address is on the topic the generated Kafka client sends to.
    assert.equal(String(topicOf('shop/orders/{orderId}/placed')), String(/^shop\.orders\.[A-Za-z0-9._-]+\.placed$/));
    assert.equal(topicOf('shop/returns'), 'shop.returns');
  });
});
