/**
 * One adapter per broker library, emitted as text next to `transport.ts`. Each takes a connection the
 * application already made, so connection settings, credentials and TLS stay in hand-written code.
 */

export type TransportKind = 'mqtt' | 'amqp' | 'nats' | 'kafka' | 'ws';
export const TRANSPORT_KINDS: readonly TransportKind[] = ['mqtt', 'amqp', 'nats', 'kafka', 'ws'];

/** The adapter for a server protocol named in the document; MQTT when nothing fits. */
export function transportForProtocol(protocol: string | undefined): TransportKind {
  const name = (protocol ?? '').toLowerCase();
  if (name.startsWith('amqp')) return 'amqp';
  if (name.startsWith('nats')) return 'nats';
  if (name.startsWith('kafka')) return 'kafka';
  if (name === 'ws' || name === 'wss') return 'ws';
  return 'mqtt';
}

export interface AdapterSource {
  file: string;
  className: string;
  /** The package the application must install. */
  dependency: string;
  source: string;
}

const MQTT = String.raw`import type { IClientPublishOptions, MqttClient } from 'mqtt';
import { wildcardOf, type Subscription, type Transport, type WireMessage } from './transport.js';

/** True when an MQTT topic filter (with + and #) matches a topic. */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === '#') return true;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * MQTT 5 carries headers as user properties. Before 5 there are none, so each message is an envelope
 * {"headers": {...}, "payload": "<payload text>"}; both sides of a generated pair agree on that.
 */
export class MqttTransport implements Transport {
  private readonly listeners = new Set<{ filter: string; onMessage: (message: WireMessage) => void }>();
  private readonly decoder = new TextDecoder();

  constructor(private readonly client: MqttClient, private readonly qos: 0 | 1 | 2 = 1) {
    client.on('message', (topic, payload, packet) => {
      const message = this.unwrap(topic, payload, packet.properties?.userProperties);
      for (const listener of this.listeners) if (topicMatches(listener.filter, topic)) listener.onMessage(message);
    });
  }

  private get usesProperties(): boolean {
    return this.client.options.protocolVersion === 5;
  }

  async publish(message: WireMessage): Promise<void> {
    const options: IClientPublishOptions = { qos: this.qos };
    if (this.usesProperties) {
      options.properties = { userProperties: message.headers };
      await this.client.publishAsync(message.address, Buffer.from(message.payload), options);
      return;
    }
    // The payload rides as a JSON value, as Eventscope's broker and any envelope-aware consumer read it.
    const envelope = '{"headers":' + JSON.stringify(message.headers) + ',"payload":' + this.decoder.decode(message.payload) + '}';
    await this.client.publishAsync(message.address, envelope, options);
  }

  async subscribe(addressTemplate: string, onMessage: (message: WireMessage) => void): Promise<Subscription> {
    const listener = { filter: wildcardOf(addressTemplate, '/', '+'), onMessage };
    this.listeners.add(listener);
    await this.client.subscribeAsync(listener.filter, { qos: this.qos });
    return {
      unsubscribe: async () => {
        this.listeners.delete(listener);
        if (![...this.listeners].some((other) => other.filter === listener.filter)) await this.client.unsubscribeAsync(listener.filter);
      },
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.client.endAsync();
  }

  private unwrap(topic: string, payload: Buffer, userProperties: Record<string, string | string[]> | undefined): WireMessage {
    if (this.usesProperties) {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(userProperties ?? {})) headers[key] = Array.isArray(value) ? value.join(',') : value;
      return { address: topic, payload: new Uint8Array(payload), headers };
    }
    try {
      const envelope = JSON.parse(payload.toString('utf8')) as { headers?: Record<string, string>; payload?: unknown };
      if (typeof envelope === 'object' && envelope !== null && typeof envelope.headers === 'object' && 'payload' in envelope && Object.keys(envelope).length === 2) {
        return { address: topic, payload: new TextEncoder().encode(JSON.stringify(envelope.payload)), headers: envelope.headers ?? {} };
      }
    } catch {
      // Not an envelope: a peer that is not a generated client; its bytes go on as they came.
    }
    return { address: topic, payload: new Uint8Array(payload), headers: {} };
  }
}
`;

const AMQP = String.raw`import type { Channel, ConsumeMessage } from 'amqplib';
import { wildcardOf, type Subscription, type Transport, type WireMessage } from './transport.js';

/**
 * AMQP 0-9-1 over one topic exchange: the channel address is the routing key, and each subscription is an
 * exclusive, auto-deleted queue bound with the address's wildcard (words split at ".", a
 * word with a parameter becomes "*").
 */
export class AmqpTransport implements Transport {
  private exchangeReady: Promise<unknown> | undefined;

  constructor(private readonly channel: Channel, private readonly exchange = 'eventscope') {}

  private ready(): Promise<unknown> {
    this.exchangeReady ??= this.channel.assertExchange(this.exchange, 'topic', { durable: false });
    return this.exchangeReady;
  }

  async publish(message: WireMessage): Promise<void> {
    await this.ready();
    this.channel.publish(this.exchange, message.address, Buffer.from(message.payload), { headers: message.headers, contentType: 'application/json' });
  }

  async subscribe(addressTemplate: string, onMessage: (message: WireMessage) => void): Promise<Subscription> {
    await this.ready();
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await this.channel.bindQueue(queue, this.exchange, wildcardOf(addressTemplate, '.', '*'));
    const { consumerTag } = await this.channel.consume(
      queue,
      (delivery: ConsumeMessage | null) => {
        if (!delivery) return;
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(delivery.properties.headers ?? {})) {
          headers[key] = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value);
        }
        onMessage({ address: delivery.fields.routingKey, payload: new Uint8Array(delivery.content), headers });
      },
      { noAck: true },
    );
    return {
      unsubscribe: async () => {
        await this.channel.cancel(consumerTag);
      },
    };
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
`;

const NATS = String.raw`import { headers as natsHeaders, type NatsConnection } from 'nats';
import { wildcardOf, type Subscription, type Transport, type WireMessage } from './transport.js';

/** NATS core: the channel address is the subject; a token (split at ".") with a parameter becomes "*". */
export class NatsTransport implements Transport {
  constructor(private readonly connection: NatsConnection) {}

  async publish(message: WireMessage): Promise<void> {
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(message.headers)) headers.set(key, value);
    this.connection.publish(message.address, message.payload, { headers });
    await this.connection.flush();
  }

  async subscribe(addressTemplate: string, onMessage: (message: WireMessage) => void): Promise<Subscription> {
    const subscription = this.connection.subscribe(wildcardOf(addressTemplate, '.', '*'), {
      callback: (error, delivery) => {
        if (error) return;
        const headers: Record<string, string> = {};
        for (const key of delivery.headers?.keys() ?? []) headers[key] = delivery.headers?.get(key) ?? '';
        onMessage({ address: delivery.subject, payload: delivery.data, headers });
      },
    });
    // The server knows of the subscription once a round trip has passed.
    await this.connection.flush();
    return {
      unsubscribe: async () => {
        subscription.unsubscribe();
        await this.connection.flush();
      },
    };
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}
`;

const KAFKA = String.raw`import type { Consumer, Kafka, Producer } from 'kafkajs';
import { fillAddress, matchAddress, newCorrelationId, type SubscribeOptions, type Subscription, type Transport, type WireMessage } from './transport.js';

const PARAMETER = /(\{[^}]+\})/;
const MAX_TOPIC_LENGTH = 249;

/**
 * Kafka allows only [A-Za-z0-9._-] in a topic name, so an address maps to its topic character by character:
 * "/" becomes "." and any other character outside that set becomes "_" (shop/orders/{orderId}/placed is the
 * topic shop.orders.{orderId}.placed). Parameters keep their place, so a consumer gives the handler the
 * document's address back by matching the topic against the template's topic; a parameter value holding a
 * mapped character arrives mapped.
 */
export function topicOf(address: string): string {
  const topic = address
    .split(PARAMETER)
    .map((part) => (PARAMETER.test(part) ? part : part.replace(/\//g, '.').replace(/[^A-Za-z0-9._-]/g, '_')))
    .join('');
  if (topic.length > MAX_TOPIC_LENGTH) throw new Error('Kafka topic ' + topic + ' is longer than ' + String(MAX_TOPIC_LENGTH) + ' characters');
  return topic;
}

function topicPattern(topicTemplate: string): string | RegExp {
  if (!PARAMETER.test(topicTemplate)) return topicTemplate;
  const pattern = topicTemplate
    .split(PARAMETER)
    .map((part) => (PARAMETER.test(part) ? '[A-Za-z0-9._-]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp('^' + pattern + '$');
}

/**
 * Kafka: the channel address maps to the topic (see topicOf); a template with parameters subscribes by
 * regular expression. Receive operations share the consumer group given here, so instances of a service split
 * the work; each reply inbox has a group of its own, so every requester sees the replies to its requests.
 */
export class KafkaTransport implements Transport {
  private producer: Promise<Producer> | undefined;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly kafka: Kafka, private readonly groupId: string) {}

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer();
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }

  async publish(message: WireMessage): Promise<void> {
    const producer = await this.connectedProducer();
    // Without a key, Kafka spreads messages over the partitions and keeps no order among them.
    await producer.send({ topic: topicOf(message.address), messages: [{ key: message.key, value: Buffer.from(message.payload), headers: { ...message.headers } }] });
  }

  async subscribe(addressTemplate: string, onMessage: (message: WireMessage) => void, options: SubscribeOptions = {}): Promise<Subscription> {
    const topicTemplate = topicOf(addressTemplate);
    const consumer = this.kafka.consumer({ groupId: options.inbox ? this.groupId + '.inbox.' + newCorrelationId() : this.groupId });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topicPattern(topicTemplate)], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const params = matchAddress(topicTemplate, topic);
        if (!params) return;
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[key] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
        }
        const received: WireMessage = { address: fillAddress(addressTemplate, params), payload: new Uint8Array(message.value ?? Buffer.alloc(0)), headers };
        if (message.key) received.key = message.key.toString();
        onMessage(received);
      },
    });
    return {
      unsubscribe: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    if (this.producer) await (await this.producer).disconnect();
  }
}
`;

const WS = String.raw`import type WebSocket from 'ws';
import { matchAddress, type Subscription, type Transport, type WireMessage } from './transport.js';

/**
 * WebSocket has no addresses of its own: each frame is a JSON envelope {address, headers, payload}, and
 * subscriptions filter frames by address on this side.
 */
export class WebSocketTransport implements Transport {
  private readonly listeners = new Set<{ template: string; onMessage: (message: WireMessage) => void }>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let frame: { address?: unknown; headers?: unknown; payload?: unknown };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (typeof frame.address !== 'string' || typeof frame.payload !== 'string') return;
      const message: WireMessage = {
        address: frame.address,
        payload: new TextEncoder().encode(frame.payload),
        headers: typeof frame.headers === 'object' && frame.headers !== null ? (frame.headers as Record<string, string>) : {},
      };
      for (const listener of this.listeners) if (matchAddress(listener.template, message.address)) listener.onMessage(message);
    });
  }

  publish(message: WireMessage): Promise<void> {
    const frame = JSON.stringify({ address: message.address, headers: message.headers, payload: new TextDecoder().decode(message.payload) });
    return new Promise((resolve, reject) => this.socket.send(frame, (error) => (error ? reject(error) : resolve())));
  }

  subscribe(addressTemplate: string, onMessage: (message: WireMessage) => void): Promise<Subscription> {
    const listener = { template: addressTemplate, onMessage };
    this.listeners.add(listener);
    return Promise.resolve({
      unsubscribe: () => {
        this.listeners.delete(listener);
        return Promise.resolve();
      },
    });
  }

  close(): Promise<void> {
    this.listeners.clear();
    this.socket.close();
    return Promise.resolve();
  }
}
`;

export const ADAPTERS: Record<TransportKind, AdapterSource> = {
  mqtt: { file: 'mqttTransport.ts', className: 'MqttTransport', dependency: 'mqtt', source: MQTT },
  amqp: { file: 'amqpTransport.ts', className: 'AmqpTransport', dependency: 'amqplib', source: AMQP },
  nats: { file: 'natsTransport.ts', className: 'NatsTransport', dependency: 'nats', source: NATS },
  kafka: { file: 'kafkaTransport.ts', className: 'KafkaTransport', dependency: 'kafkajs', source: KAFKA },
  ws: { file: 'webSocketTransport.ts', className: 'WebSocketTransport', dependency: 'ws', source: WS },
};
