import type { ChainStep } from './chain';

export interface SequenceArrow {
  recordId: string;
  from: number;
  to: number;
  label: string;
  /** Milliseconds since the previous event of the chain. */
  sincePrevious?: number;
  valid: boolean;
  /** The arrow reaches the channel's lifeline because no consumer received the event. */
  undelivered: boolean;
}

export interface SequenceDiagram {
  participants: string[];
  arrows: SequenceArrow[];
}

/**
 * A correlation chain as a sequence diagram: one lifeline per producer and consumer, one arrow per
 * delivery (or to the channel itself when nobody received the event). Plain data, so any view can draw it.
 */
export function sequenceOf(steps: readonly ChainStep[]): SequenceDiagram {
  const participants: string[] = [];
  const index = (name: string): number => {
    const found = participants.indexOf(name);
    if (found >= 0) return found;
    participants.push(name);
    return participants.length - 1;
  };
  const arrows: SequenceArrow[] = [];
  for (const { record, sincePrevious } of steps) {
    const from = index(record.producer);
    const label = record.message ?? record.topic;
    const consumers = [...new Set(record.deliveries.filter((delivery) => delivery.outcome !== 'dead-lettered').map((delivery) => delivery.consumer))];
    const base = { recordId: record.id, label, valid: record.validation.valid, sincePrevious };
    if (consumers.length === 0) {
      arrows.push({ ...base, from, to: index(record.channel ?? record.topic), undelivered: true });
      continue;
    }
    consumers.forEach((consumer, n) => arrows.push({ ...base, from, to: index(consumer), undelivered: false, sincePrevious: n === 0 ? sincePrevious : undefined }));
  }
  return { participants, arrows };
}
