import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Admin, Consumer, ConsumerConfig, ConsumerEvents, ConsumerRunConfig, ConsumerSubscribeTopics, EachMessagePayload, KafkaConfig } from 'kafkajs';
import { channelsOn, resolveEndpoint } from '../../../src/core/tap/servers';
import { Contract, ValidatorCache } from '../../../src/core/broker/contract';
import { KafkaTap, type KafkaClient } from '../../../src/core/tap/kafkaTap';
import { TapSession } from '../../../src/core/tap/session';
import { TraceStore } from '../../../src/core/trace/store';
import { INVALID_ORDER, order, shopDocuments, status, traced } from './support';

/**
 * No Kafka broker runs in these tests. The tap is exercised against a double of kafkajs's API, typed from
 * kafkajs's own declarations: it implements exactly the Consumer and Admin members the tap may use (any
 * other call, such as committing offsets, would throw) and records every call.
 */
const EVENTS = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' } as ConsumerEvents;

class ConsumerDouble implements Pick<Consumer, 'connect' | 'disconnect' | 'subscribe' | 'run' | 'seek' | 'events'> {
  readonly events = EVENTS;
  readonly calls: string[] = [];
  readonly seeks: { topic: string; partition: number; offset: string }[] = [];
  private readonly emitter = new EventEmitter();
  subscription?: ConsumerSubscribeTopics;
  runConfig?: ConsumerRunConfig;
  constructor(readonly config: ConsumerConfig) {}
  on(event: string, listener: (event: { payload: unknown }) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
  connect(): Promise<void> {
    this.calls.push('connect');
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.calls.push('disconnect');
    return Promise.resolve();
  }
  subscribe(subscription: ConsumerSubscribeTopics): Promise<void> {
    this.calls.push('subscribe');
    this.subscription = subscription;
    return Promise.resolve();
  }
  run(config?: ConsumerRunConfig): Promise<void> {
    this.calls.push('run');
    this.runConfig = config;
    return Promise.resolve();
  }
  seek(offset: { topic: string; partition: number; offset: string }): void {
    this.seeks.push(offset);
  }

  /** The group gives this member partitions, as kafkajs reports it. */
  join(assignment: Record<string, number[]>): void {
    this.emitter.emit(EVENTS.GROUP_JOIN, { payload: { memberAssignment: assignment } });
  }
  crash(message: string): void {
    this.emitter.emit(EVENTS.CRASH, { payload: { error: new Error(message), restart: false } });
  }
  /** Delivers a record as kafkajs does: headers and value as Buffers. */
  async deliver(topic: string, value: string, headers: Record<string, string> = {}): Promise<void> {
    const payload: EachMessagePayload = {
      topic,
      partition: 0,
      message: {
        key: null,
        value: Buffer.from(value),
        headers: Object.fromEntries(Object.entries(headers).map(([key, header]) => [key, Buffer.from(header)])),
        timestamp: '0',
        attributes: 0,
        offset: '0',
      },
      heartbeat: () => Promise.resolve(),
      pause: () => () => undefined,
    };
    await this.runConfig!.eachMessage!(payload);
  }
}

class AdminDouble implements Pick<Admin, 'connect' | 'disconnect' | 'deleteGroups'> {
  readonly calls: string[] = [];
  readonly deleted: string[][] = [];
  connect(): Promise<void> {
    this.calls.push('connect');
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.calls.push('disconnect');
    return Promise.resolve();
  }
  deleteGroups(groupIds: string[]): ReturnType<Admin['deleteGroups']> {
    this.calls.push('deleteGroups');
    this.deleted.push(groupIds);
    return Promise.resolve(groupIds.map((groupId) => ({ groupId, errorCode: 0 })));
  }
}

class KafkaDouble implements KafkaClient {
  readonly consumers: ConsumerDouble[] = [];
  readonly admins: AdminDouble[] = [];
  consumer(config: ConsumerConfig): Consumer {
    const consumer = new ConsumerDouble(config);
    this.consumers.push(consumer);
    return consumer as unknown as Consumer;
  }
  admin(): Admin {
    const admin = new AdminDouble();
    this.admins.push(admin);
    return admin as unknown as Admin;
  }
}

async function kafkaTap(from?: 'latest' | 'earliest' | bigint): Promise<{ tap: KafkaTap; kafka: KafkaDouble; configs: KafkaConfig[]; session: TapSession; trace: TraceStore }> {
  const documents = await shopDocuments();
  const server = documents[0]!.model.servers.find((candidate) => candidate.name === 'kafka')!;
  const endpoint = resolveEndpoint(server, { port: '19092' });
  const kafka = new KafkaDouble();
  const configs: KafkaConfig[] = [];
  const tap = new KafkaTap({ endpoint, channels: channelsOn(documents[0]!, 'kafka'), from }, (config) => {
    configs.push(config);
    return kafka;
  });
  const trace = new TraceStore();
  const contract = new Contract(documents, new ValidatorCache());
  const session = new TapSession(tap, endpoint, () => contract, trace, { backoff: { initialMs: 1, maxMs: 5 } });
  await session.attach();
  return { tap, kafka, configs, session, trace };
}

describe('tap: Kafka against the kafkajs API', () => {
  it('joins a consumer group of its own, from the latest offset, never committing, and traces what it reads', async () => {
    const { tap, kafka, configs, session, trace } = await kafkaTap();
    const other = await kafkaTap();
    assert.match(tap.groupId, /^eventscope-tap-[\da-f]{12}$/);
    assert.notEqual(tap.groupId, other.tap.groupId, 'every tap has a fresh group');
    assert.deepEqual(configs[0]!.brokers, ['127.0.0.1:19092']);
    const consumer = kafka.consumers[0]!;
    assert.equal(consumer.config.groupId, tap.groupId);
    assert.deepEqual(consumer.calls, ['connect', 'subscribe', 'run']);
    assert.equal(consumer.subscription!.fromBeginning, false);
    assert.equal(String(consumer.subscription!.topics[0]), String(/^shop\.orders\.[A-Za-z0-9._-]+\.placed$/), 'the pattern the generated Kafka client subscribes with');
    assert.equal(consumer.runConfig!.autoCommit, false);

    await consumer.deliver('shop.orders.ORD-1.placed', JSON.stringify(order(1)), { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await consumer.deliver('shop.orders.ORD-2.placed', JSON.stringify(INVALID_ORDER));
    const [valid, invalid] = await traced(trace, (records) => records.length === 2);
    assert.deepEqual([valid!.origin, valid!.message, valid!.validation.valid, valid!.params], ['tap', 'OrderPlaced', true, { orderId: 'ORD-1' }]);
    assert.equal(valid!.correlation.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(valid!.correlation.correlationId, 'ORD-1');
    assert.equal(invalid!.validation.valid, false);

    await session.detach();
    assert.deepEqual(consumer.calls.at(-1), 'disconnect');
    assert.deepEqual(kafka.admins[0]!.deleted, [[tap.groupId]], 'only its own group is deleted');
    assert.deepEqual(kafka.admins[0]!.calls, ['connect', 'deleteGroups', 'disconnect']);
    await other.session.detach();
  });

  it('reads from the earliest offset, or seeks every assigned partition to a chosen one', async () => {
    const earliest = await kafkaTap('earliest');
    assert.equal(earliest.kafka.consumers[0]!.subscription!.fromBeginning, true);
    await earliest.session.detach();
    const chosen = await kafkaTap(42n);
    const consumer = chosen.kafka.consumers[0]!;
    consumer.join({ 'shop.orders.ORD-1.placed': [0, 1] });
    assert.deepEqual(consumer.seeks, [
      { topic: 'shop.orders.ORD-1.placed', partition: 0, offset: '42' },
      { topic: 'shop.orders.ORD-1.placed', partition: 1, offset: '42' },
    ]);
    await chosen.session.detach();
  });

  it('after a crash, joins again in the same group and marks the gap', async () => {
    const { tap, kafka, session, trace } = await kafkaTap();
    kafka.consumers[0]!.crash('The coordinator is not available');
    await status(session, (current) => current.state === 'connected' && current.reconnects === 1);
    assert.equal(kafka.consumers.length, 2);
    assert.equal(kafka.consumers[1]!.config.groupId, tap.groupId);
    const [gap] = await traced(trace, (records) => records.length === 1);
    assert.equal(gap!.disposition, 'gap');
    assert.equal(gap!.gap!.reason, 'The coordinator is not available');
    await session.detach();
  });
});
