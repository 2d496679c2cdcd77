import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Delivery, TraceRecord } from './record';

/** The first line of a journal: which broker session wrote it. */
export interface JournalSession {
  kind: 'session';
  id: string;
  started: number;
  documents: string[];
}

type JournalLine = JournalSession | ({ kind: 'event' } & TraceRecord) | ({ kind: 'delivery'; id: string } & Delivery);

/**
 * Append-only JSONL of one broker session. Lines are group-committed: everything appended in one turn of
 * the event loop goes out in one `write`, and the broker acknowledges a message only after its line is in
 * the file, so a kill -9 loses nothing the broker accepted. `fdatasync` runs every `syncMs` and on close,
 * which bounds what a power cut could take.
 */
export class Journal {
  private readonly fd: number;
  private pending: string[] = [];
  private waiters: (() => void)[] = [];
  private scheduled = false;
  private dirty = false;
  private closed = false;
  private readonly syncTimer: NodeJS.Timeout;

  constructor(
    readonly file: string,
    session: Omit<JournalSession, 'kind'>,
    syncMs = 1000,
  ) {
    this.fd = openSync(file, 'a');
    this.append({ kind: 'session', ...session });
    this.flush();
    this.syncTimer = setInterval(() => this.sync(), syncMs);
    this.syncTimer.unref();
  }

  appendEvent(record: TraceRecord): void {
    this.append({ kind: 'event', ...record });
  }

  appendDelivery(id: string, delivery: Delivery): void {
    this.append({ kind: 'delivery', id, ...delivery });
  }

  /** Calls `callback` once every line appended so far is written to the file. */
  whenWritten(callback: () => void): void {
    if (this.pending.length === 0 || this.closed) {
      callback();
      return;
    }
    this.waiters.push(callback);
  }

  /** Writes what is pending now, synchronously. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length > 0 && !this.closed) {
      const chunk = Buffer.from(`${this.pending.join('\n')}\n`, 'utf8');
      this.pending = [];
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(this.fd, chunk, offset);
      this.dirty = true;
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.sync();
    clearInterval(this.syncTimer);
    this.closed = true;
    closeSync(this.fd);
  }

  private append(line: JournalLine): void {
    if (this.closed) return;
    this.pending.push(JSON.stringify(line));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private sync(): void {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
  }
}

export interface JournalContents {
  sessions: JournalSession[];
  records: TraceRecord[];
  /** Lines that could not be read, such as a last line torn by a crash mid-write. */
  skipped: number;
}

/** Reopens a journal: events with their deliveries merged back in, in the order they were accepted. */
export async function readJournal(file: string): Promise<JournalContents> {
  return parseJournal(await readFile(file, 'utf8'));
}

export function parseJournal(text: string): JournalContents {
  const { sessions, records, deliveries, skipped } = parseLines(text);
  const byId = new Map(records.map((record) => [record.id, record]));
  for (const { id, ...delivery } of deliveries) byId.get(id)?.deliveries.push(delivery);
  return { sessions, records, skipped };
}

function parseLines(text: string): { sessions: JournalSession[]; records: TraceRecord[]; deliveries: ({ id: string } & Delivery)[]; skipped: number } {
  const sessions: JournalSession[] = [];
  const records: TraceRecord[] = [];
  const deliveries: ({ id: string } & Delivery)[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: JournalLine;
    try {
      entry = JSON.parse(line) as JournalLine;
    } catch {
      skipped++;
      continue;
    }
    if (entry.kind === 'session') sessions.push(entry);
    else if (entry.kind === 'event') {
      const record: TraceRecord & { kind?: string } = { ...entry, deliveries: entry.deliveries ?? [] };
      delete record.kind;
      records.push(record);
    } else if (entry.kind === 'delivery') {
      const delivery: Delivery & { kind?: string; id: string } = { ...entry };
      delete delivery.kind;
      deliveries.push(delivery);
    } else skipped++;
  }
  return { sessions, records, deliveries, skipped };
}

/** Follows a journal another process is writing: each `read()` returns the lines appended since the last one. */
export class JournalFollower {
  private offset = 0;
  private partial = '';

  constructor(readonly file: string) {}

  async read(): Promise<{ events: TraceRecord[]; deliveries: ({ id: string } & Delivery)[] }> {
    const handle = await open(this.file, 'r');
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return { events: [], deliveries: [] };
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
      const end = text.lastIndexOf('\n');
      // A line still being written waits for the next read.
      this.partial = text.slice(end + 1);
      const { records, deliveries } = parseLines(text.slice(0, end + 1));
      return { events: records, deliveries };
    } finally {
      await handle.close();
    }
  }
}
