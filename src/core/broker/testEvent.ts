import type { ChannelNode, EventModel, MessageNode } from '../model/eventModel';
import { sampleOf } from './sample';

export interface TestEvent {
  topic: string;
  headers: Record<string, unknown>;
  payload: unknown;
  /** Where the payload came from: the message's first example, or a sample of its schema. */
  source: 'example' | 'schema';
  message: string;
}

/**
 * One event for a message, ready to publish: its first example (or a sample of its schemas), to its
 * channel's address with each `{parameter}` taken from the example's fields, or the parameter's schema.
 */
export function testEventFor(model: EventModel, select: { message: string; channel?: string }): TestEvent | undefined {
  const matches = (message: MessageNode): boolean => message.id === select.message || message.name === select.message;
  const channels = model.channels.filter((channel) => channel.address !== null && (select.channel === undefined || channel.address === select.channel || channel.id === select.channel));
  let channel: ChannelNode | undefined;
  let message: MessageNode | undefined;
  for (const candidate of channels) {
    const found = model.messages.find((node) => candidate.messageIds.includes(node.id) && matches(node));
    if (found) {
      channel = candidate;
      message = found;
      break;
    }
  }
  if (!channel?.address || !message) return undefined;
  const example = message.examples.find((candidate) => candidate.payload !== undefined || candidate.headers !== undefined);
  const payload = example?.payload ?? sampleOf(message.payload);
  const headers = (example?.headers ?? sampleOf(message.headers) ?? {}) as Record<string, unknown>;
  const topic = channel.address.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const fromEvent = findField(payload, name) ?? findField(headers, name);
    const parameter = channel.parameters.find((candidate) => candidate.name === name);
    const value = fromEvent ?? sampleOf(parameter?.schema ?? { type: 'string' });
    return typeof value === 'string' || typeof value === 'number' ? String(value) : 'sample';
  });
  return { topic, headers: typeof headers === 'object' && headers !== null ? headers : {}, payload, source: example ? 'example' : 'schema', message: message.name ?? message.id };
}

/** A scalar field of that name at any depth, breadth first. */
function findField(value: unknown, name: string): string | number | undefined {
  const queue = [value];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null) continue;
    const field = (current as Record<string, unknown>)[name];
    if (typeof field === 'string' || typeof field === 'number') return field;
    queue.push(...(Object.values(current) as unknown[]));
  }
  return undefined;
}
