import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { JsonObject } from '../model/eventModel';
import { wildcardOf } from './servers';
import type { Tap, TapChannel, TapHandlers, TapOptions } from './types';

interface ExchangeBinding {
  exchange: string;
  routingKey: string;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where a channel's messages can be copied from: the exchange its AMQP binding names, with the routing key
 * its address gives (parameters as `*` for a topic exchange, none for fanout and headers exchanges).
 */
export function exchangeBindingOf(channel: TapChannel): ExchangeBinding | { reason: string } {
  const amqp = isObject(channel.bindings?.amqp) ? channel.bindings.amqp : {};
  const exchange = isObject(amqp.exchange) ? amqp.exchange : undefined;
  const name = typeof exchange?.name === 'string' ? exchange.name : undefined;
  if (!name) {
    const queue = isObject(amqp.queue) && typeof amqp.queue.name === 'string' ? amqp.queue.name : channel.address;
    return { reason: `the queue ${queue} cannot be read without taking messages from its consumers, and the binding names no exchange that feeds it` };
  }
  const type = typeof exchange?.type === 'string' ? exchange.type : 'topic';
  if (type === 'fanout' || type === 'headers') return { exchange: name, routingKey: '' };
  if (type === 'direct') {
    if (channel.address.includes('{')) return { reason: `a direct exchange (${name}) matches routing keys exactly, and the address has parameters` };
    return { exchange: name, routingKey: channel.address };
  }
  return { exchange: name, routingKey: wildcardOf(channel.address, '.', '*', '#') };
}

/**
 * AMQP 0-9-1: a private queue (server-named, exclusive, auto-deleted) bound to the exchanges the channel
 * bindings name. The exchange gives the tap its own copy, so the applications' queues lose nothing, and
 * the queue goes away with the tap's connection. Exchanges are only checked, never declared.
 */
export class AmqpTap implements Tap {
  private readonly unusable: { address: string; reason: string }[] = [];
  /** Bindings whose exchange did not exist at the last connect. */
  private missing: { address: string; reason: string }[] = [];
  private connection?: ChannelModel;
  private queue?: string;
  private closing = false;
  private readonly bindings: ExchangeBinding[] = [];

  constructor(private readonly options: TapOptions) {
    const seen = new Set<string>();
    for (const channel of options.channels) {
      const binding = exchangeBindingOf(channel);
      if ('reason' in binding) {
        this.unusable.push({ address: channel.address, reason: binding.reason });
        continue;
      }
      const key = `${binding.exchange}\0${binding.routingKey}`;
      if (!seen.has(key)) this.bindings.push(binding);
      seen.add(key);
    }
  }

  async connect(handlers: TapHandlers): Promise<void> {
    const amqplib = await import('amqplib');
    const { endpoint, credentials } = this.options;
    this.closing = false;
    const connection = await amqplib.connect(
      {
        protocol: endpoint.tls ? 'amqps' : 'amqp',
        hostname: endpoint.host,
        port: endpoint.port,
        username: credentials?.username ?? 'guest',
        password: credentials?.password ?? 'guest',
        vhost: endpoint.pathname?.replace(/^\//, '') || '/',
        heartbeat: 10,
      },
      { ca: credentials?.ca, cert: credentials?.cert, key: credentials?.key, rejectUnauthorized: credentials?.rejectUnauthorized ?? true, timeout: 10_000 },
    );
    this.connection = connection;
    let lost = false;
    connection.on('error', () => undefined);
    connection.on('close', () => {
      this.queue = undefined;
      if (this.closing || lost) return;
      lost = true;
      handlers.lost('connection closed');
    });
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    this.missing = [];
    const present = await this.existingExchanges(connection);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    this.queue = queue;
    for (const binding of this.bindings) {
      if (present.has(binding.exchange)) await channel.bindQueue(queue, binding.exchange, binding.routingKey);
    }
    await channel.consume(
      queue,
      (delivery: ConsumeMessage | null) => {
        if (!delivery) return;
        const { properties } = delivery;
        handlers.message({
          topic: delivery.fields.routingKey,
          body: delivery.content,
          headers: properties.headers && Object.keys(properties.headers).length > 0 ? plainHeaders(properties.headers) : undefined,
          qos: properties.deliveryMode === 2 ? 1 : 0,
          producer: typeof properties.appId === 'string' ? properties.appId : undefined,
        });
      },
      { noAck: true, exclusive: true },
    );
  }

  /** Which of the named exchanges exist: a failed passive check closes its channel, so each gets its own. */
  private async existingExchanges(connection: ChannelModel): Promise<Set<string>> {
    const present = new Set<string>();
    for (const exchange of new Set(this.bindings.map((binding) => binding.exchange))) {
      let probe: Channel | undefined;
      try {
        probe = await connection.createChannel();
        probe.on('error', () => undefined);
        await probe.checkExchange(exchange);
        present.add(exchange);
        await probe.close();
      } catch {
        for (const binding of this.bindings.filter((candidate) => candidate.exchange === exchange)) {
          this.missing.push({ address: binding.routingKey, reason: `the exchange ${exchange} does not exist on the server` });
        }
      }
    }
    return present;
  }

  get skipped(): readonly { address: string; reason: string }[] {
    return [...this.unusable, ...this.missing];
  }

  subscriptions(): string[] {
    return this.queue ? [this.queue] : [];
  }

  async close(): Promise<void> {
    this.closing = true;
    const connection = this.connection;
    this.connection = undefined;
    this.queue = undefined;
    // Exclusive and auto-deleted: the server deletes the queue as the connection closes.
    await connection?.close().catch(() => undefined);
  }
}

function plainHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) plain[key] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  return plain;
}
