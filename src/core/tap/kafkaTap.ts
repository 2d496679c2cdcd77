import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka, KafkaConfig } from 'kafkajs';
import { kafkaTopicOf, kafkaTopicPattern, kafkaTopicResolver } from '../protocols/kafkaTopics';
import type { Tap, TapHandlers, TapOptions } from './types';

/** What the tap needs of kafkajs; the unit test passes a double typed from kafkajs's own declarations. */
export type KafkaClient = Pick<Kafka, 'consumer' | 'admin'>;
export type KafkaFactory = (config: KafkaConfig) => KafkaClient | Promise<KafkaClient>;

const defaultFactory: KafkaFactory = async (config) => {
  const { Kafka: KafkaClass } = await import('kafkajs');
  return new KafkaClass(config);
};

/** A channel address as a kafkajs subscription: its topic (see kafkaTopicOf), as a pattern when it has parameters. */
export function topicOf(address: string): string | RegExp {
  return kafkaTopicPattern(kafkaTopicOf(address));
}

/**
 * Kafka: a consumer group of the tap's own (a fresh random ID), so no application's group rebalances or
 * loses offsets. It reads from the latest offset, the earliest, or a chosen one, never commits, and
 * deletes its group when it detaches.
 */
export class KafkaTap implements Tap {
  readonly skipped: { address: string; reason: string }[] = [];
  readonly groupId = `eventscope-tap-${randomBytes(6).toString('hex')}`;
  private kafka?: KafkaClient;
  private consumer?: Consumer;
  private closing = false;
  private readonly topics: (string | RegExp)[];
  private readonly addressOf: (topic: string) => string | undefined;

  constructor(
    private readonly options: TapOptions,
    private readonly factory: KafkaFactory = defaultFactory,
  ) {
    const addresses = [...new Set(options.channels.map((channel) => channel.address))];
    this.topics = addresses.map(topicOf);
    this.addressOf = kafkaTopicResolver(addresses);
  }

  async connect(handlers: TapHandlers): Promise<void> {
    const { endpoint, credentials } = this.options;
    this.closing = false;
    this.kafka ??= await this.factory({
      clientId: this.options.clientId ?? 'eventscope-tap',
      brokers: [`${endpoint.host}:${endpoint.port ?? 9092}`],
      ssl: endpoint.tls ? { ca: credentials?.ca, cert: credentials?.cert, key: credentials?.key, rejectUnauthorized: credentials?.rejectUnauthorized ?? true } : false,
      sasl: credentials?.username !== undefined ? { mechanism: 'plain', username: credentials.username, password: credentials.password ?? '' } : undefined,
      // The tap owns reconnection, so it can mark the gap.
      retry: { retries: 0 },
    });
    const consumer = this.kafka.consumer({ groupId: this.groupId, retry: { retries: 0, restartOnFailure: () => Promise.resolve(false) } });
    this.consumer = consumer;
    let lost = false;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.closing || lost) return;
      lost = true;
      handlers.lost(payload.error.message);
    });
    const from = this.options.from ?? 'latest';
    if (typeof from === 'bigint') {
      // An explicit offset applies to every partition the group is given.
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          for (const partition of partitions) consumer.seek({ topic, partition, offset: from.toString() });
        }
      });
    }
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: from === 'earliest' });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ topic, message }) => {
        let headers: Record<string, unknown> | undefined;
        if (message.headers && Object.keys(message.headers).length > 0) {
          headers = {};
          for (const [key, value] of Object.entries(message.headers)) {
            if (value !== undefined) headers[key] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
          }
        }
        // The trace and the contract know the channel by its address, which the topic maps from.
        handlers.message({ topic: this.addressOf(topic) ?? topic, body: message.value ?? Buffer.alloc(0), headers });
        return Promise.resolve();
      },
    });
  }

  subscriptions(): string[] {
    return this.consumer ? [this.groupId, ...this.topics.map(String)] : [];
  }

  async close(): Promise<void> {
    this.closing = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer || !this.kafka) return;
    await consumer.disconnect();
    // Nothing was committed; deleting the empty group leaves nothing behind.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups([this.groupId]);
    } finally {
      await admin.disconnect();
    }
  }
}
