import type { ConsumerMessages, Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import type { JsonObject } from '../model/eventModel';
import { wildcardOf } from './servers';
import type { Tap, TapChannel, TapHandlers, TapOptions } from './types';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JetStream stream a channel's NATS binding names (`x-jetstream: { stream }`), if any. */
export function jetStreamOf(channel: TapChannel): string | undefined {
  const nats = isObject(channel.bindings?.nats) ? channel.bindings.nats : undefined;
  const jetstream = isObject(nats?.['x-jetstream']) ? nats['x-jetstream'] : undefined;
  return typeof jetstream?.stream === 'string' ? jetstream.stream : undefined;
}

/**
 * NATS: a plain subscription per channel subject, never in the channel's queue group, so queue workers
 * keep every message. Channels whose binding names a JetStream stream get an ordered consumer instead:
 * ephemeral, unacknowledged, starting at new messages, and gone from the server when the tap stops.
 */
export class NatsTap implements Tap {
  readonly skipped: { address: string; reason: string }[] = [];
  private connection?: NatsConnection;
  private readonly subjects: { subject: string; stream?: string }[];
  private readonly active: (Subscription | ConsumerMessages)[] = [];
  private closing = false;

  constructor(private readonly options: TapOptions) {
    const seen = new Set<string>();
    this.subjects = [];
    for (const channel of options.channels) {
      const subject = wildcardOf(channel.address, '.', '*', '>');
      const stream = jetStreamOf(channel);
      const key = `${stream ?? ''}\0${subject}`;
      if (!seen.has(key)) this.subjects.push({ subject, stream });
      seen.add(key);
    }
  }

  async connect(handlers: TapHandlers): Promise<void> {
    const nats = await import('nats');
    const { endpoint, credentials } = this.options;
    this.closing = false;
    const connection = await nats.connect({
      servers: `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port ?? 4222}`,
      name: this.options.clientId ?? 'eventscope-tap',
      // The tap owns reconnection, so it can mark the gap.
      reconnect: false,
      timeout: 10_000,
      user: credentials?.username,
      pass: credentials?.password,
      token: credentials?.token,
      tls: endpoint.tls ? { ca: credentials?.ca, cert: credentials?.cert, key: credentials?.key } : undefined,
    });
    this.connection = connection;
    void connection.closed().then((error) => {
      this.active.length = 0;
      if (!this.closing) handlers.lost(error ? error.message : 'connection closed');
    });
    const deliver = (message: Msg | { subject: string; data: Uint8Array; headers?: MsgHdrs }): void => {
      let headers: Record<string, unknown> | undefined;
      if (message.headers) {
        headers = {};
        for (const key of message.headers.keys()) headers[key] = message.headers.get(key);
      }
      handlers.message({ topic: message.subject, body: Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength), headers });
    };
    for (const { subject, stream } of this.subjects) {
      if (stream) {
        const consumer = await connection.jetstream().consumers.get(stream, { filterSubjects: subject, deliver_policy: nats.DeliverPolicy.New });
        const messages = await consumer.consume({ callback: (message) => deliver(message) });
        this.active.push(messages);
        continue;
      }
      this.active.push(connection.subscribe(subject, { callback: (error, message) => !error && deliver(message) }));
    }
    // The server has the subscriptions once a round trip has passed.
    await connection.flush();
  }

  subscriptions(): string[] {
    return this.connection && !this.connection.isClosed() ? this.subjects.map(({ subject, stream }) => (stream ? `${stream}:${subject}` : subject)) : [];
  }

  async close(): Promise<void> {
    this.closing = true;
    const connection = this.connection;
    this.connection = undefined;
    for (const subscription of this.active.splice(0)) {
      if ('unsubscribe' in subscription) subscription.unsubscribe();
      else await subscription.close();
    }
    if (connection && !connection.isClosed()) await connection.close();
  }
}
