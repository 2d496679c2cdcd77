import { randomBytes } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import { wildcardOf } from './servers';
import type { Tap, TapHandlers, TapOptions } from './types';

/**
 * MQTT: one clean-session client with a plain wildcard subscription per channel. Plain subscriptions get
 * their own copy of every message, so shared-subscription groups and other subscribers lose nothing.
 */
export class MqttTap implements Tap {
  readonly skipped: { address: string; reason: string }[] = [];
  private client?: MqttClient;
  private readonly filters: string[];
  private closing = false;

  constructor(private readonly options: TapOptions) {
    this.filters = [...new Set(options.channels.map((channel) => wildcardOf(channel.address, '/', '+', '#')))];
  }

  async connect(handlers: TapHandlers): Promise<void> {
    // Loaded only when attaching: the CLI's other commands never pay for it.
    const { connectAsync } = await import('mqtt');
    const { endpoint, credentials } = this.options;
    const version = endpoint.protocolVersion?.startsWith('5') ? 5 : 4;
    const options: IClientOptions = {
      protocol: endpoint.tls ? 'mqtts' : 'mqtt',
      host: endpoint.host,
      port: endpoint.port,
      protocolVersion: version,
      clientId: `${this.options.clientId ?? 'eventscope-tap'}-${randomBytes(4).toString('hex')}`,
      clean: true,
      // The tap owns reconnection, so it can mark the gap.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      username: credentials?.username,
      password: credentials?.password,
      ca: credentials?.ca,
      cert: credentials?.cert,
      key: credentials?.key,
      rejectUnauthorized: credentials?.rejectUnauthorized ?? true,
    };
    this.closing = false;
    const client = await connectAsync(options);
    this.client = client;
    client.on('error', () => undefined);
    let lost = false;
    client.on('close', () => {
      if (this.closing || lost) return;
      lost = true;
      handlers.lost('connection closed');
    });
    client.on('message', (topic, payload, packet) => {
      const properties = packet.properties?.userProperties;
      let headers: Record<string, unknown> | undefined;
      if (properties) {
        headers = {};
        for (const [key, value] of Object.entries(properties)) headers[key] = Array.isArray(value) ? value.join(',') : value;
      }
      handlers.message({ topic, body: payload, headers, qos: packet.qos });
    });
    if (this.filters.length > 0) {
      const granted = await client.subscribeAsync(this.filters, { qos: 1 });
      for (const grant of granted) if (grant.qos === 128) this.skipped.push({ address: grant.topic, reason: 'the broker refused the subscription' });
    }
  }

  subscriptions(): string[] {
    return this.client?.connected ? [...this.filters] : [];
  }

  async close(): Promise<void> {
    this.closing = true;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // A clean session: the broker drops its subscriptions with the connection.
    await client.endAsync(true);
  }
}
