import type { TraceStore } from '../trace/store';
import type { ChannelStatsInfo } from './adminTypes';
import type { LoadedDocument } from './types';

interface Counters {
  messages: number;
  invalid: number;
  consumers: Set<string>;
  lastTime?: number;
}

/**
 * Message counts and consumers per channel for the whole session, counted as the trace sees events and
 * deliveries (the ring forgets old records; these counters do not).
 */
export class ChannelStats {
  private readonly counters = new Map<string, Counters>();
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly trace: TraceStore,
    private readonly documents: () => readonly LoadedDocument[],
  ) {
    this.subscriptions = [
      trace.onRecord((record) => {
        const counters = this.counter(record.channel ?? record.topic);
        counters.messages++;
        if (!record.validation.valid) counters.invalid++;
        counters.lastTime = record.time;
      }),
      trace.onDelivery((recordId, delivery) => {
        const record = this.trace.get(recordId);
        if (record) this.counter(record.channel ?? record.topic).consumers.add(delivery.consumer);
      }),
    ];
  }

  /** Every declared channel (even without traffic), then the undeclared topics that saw events. */
  snapshot(): ChannelStatsInfo[] {
    const declared = new Set<string>();
    for (const document of this.documents()) {
      for (const channel of document.model.channels) if (channel.address !== null) declared.add(channel.address);
    }
    const names = [...new Set([...declared, ...this.counters.keys()])];
    return names.map((channel) => {
      const counters = this.counters.get(channel);
      return {
        channel,
        declared: declared.has(channel),
        messages: counters?.messages ?? 0,
        invalid: counters?.invalid ?? 0,
        consumers: [...(counters?.consumers ?? [])].sort(),
        lastTime: counters?.lastTime,
      };
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private counter(channel: string): Counters {
    let counters = this.counters.get(channel);
    if (!counters) {
      counters = { messages: 0, invalid: 0, consumers: new Set() };
      this.counters.set(channel, counters);
    }
    return counters;
  }
}
