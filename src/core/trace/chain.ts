import type { TraceRecord } from './record';

export interface ChainStep {
  record: TraceRecord;
  cause?: TraceRecord;
  /** Milliseconds since the previous event of the chain. */
  sincePrevious?: number;
  /** Milliseconds since the event that caused this one. */
  sinceCause?: number;
}

/** Whether a record belongs to the flow named by a correlation ID, a trace ID or a record ID. */
export function inFlow(record: TraceRecord, key: string): boolean {
  return record.correlation.correlationId === key || record.correlation.traceId === key || record.id === key;
}

/**
 * One correlation chain in time order: every event carrying `key`, plus the events they were caused by,
 * each with the time since its predecessor and since its cause.
 */
export function chainOf(records: readonly TraceRecord[], key: string): ChainStep[] {
  const byId = new Map(records.map((record) => [record.id, record]));
  const members = new Set(records.filter((record) => inFlow(record, key)));
  for (const record of [...members]) {
    for (let cause = record.causedBy ? byId.get(record.causedBy) : undefined; cause && !members.has(cause); cause = cause.causedBy ? byId.get(cause.causedBy) : undefined) {
      members.add(cause);
    }
  }
  return timeline([...members]);
}

/** Records in time order, each with the time since its predecessor and since its cause (when present). */
export function timeline(records: readonly TraceRecord[]): ChainStep[] {
  const byId = new Map(records.map((record) => [record.id, record]));
  const ordered = [...records].sort((a, b) => a.time - b.time);
  return ordered.map((record, index) => {
    const cause = record.causedBy ? byId.get(record.causedBy) : undefined;
    const previous = index > 0 ? ordered[index - 1] : undefined;
    return {
      record,
      cause,
      sincePrevious: previous ? record.time - previous.time : undefined,
      sinceCause: cause ? record.time - cause.time : undefined,
    };
  });
}

/** The distinct flows in a trace, by correlation ID, then trace ID. */
export function flowIds(records: readonly TraceRecord[]): string[] {
  const ids = new Set<string>();
  for (const record of records) {
    const id = record.correlation.correlationId ?? record.correlation.traceId;
    if (id) ids.add(id);
  }
  return [...ids];
}
