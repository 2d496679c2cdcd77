import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
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
 * The UTF-8 JSON bytes a record's headers and payload were parsed from, on one line: with `payloadOnly`
 * the payload's own text, otherwise an object whose members are exactly `headers` and `payload` (such as
 * the envelope the producer sent).
 */
export interface BodyJson {
  bytes: Buffer;
  payloadOnly: boolean;
}

/**
 * The bytes of the lines appended since the last write, in one reused buffer: bodies are copied in as
 * the producer sent them, where joining strings and encoding them again cost more than the rest of the line.
 */
class LineBuffer {
  private static readonly INITIAL = 64 * 1024;
  private buffer = Buffer.allocUnsafe(LineBuffer.INITIAL);
  length = 0;

  text(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length);
  }

  bytes(bytes: Buffer, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    this.length += bytes.copy(this.buffer, this.length, start, end);
  }

  /** The bytes so far, valid until the next append. */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
    // One huge message must not keep a huge buffer for the rest of the session.
    if (this.buffer.length > 16 * LineBuffer.INITIAL) this.buffer = Buffer.allocUnsafe(LineBuffer.INITIAL);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/**
 * Append-only JSONL of one broker session. Lines are group-committed: everything appended in one turn of
 * the event loop goes out in one `write`, and the broker acknowledges a message only after its line is in
 * the file, so a kill -9 loses nothing the broker accepted. `fdatasync` runs every `syncMs` and on close,
 * which bounds what a power cut could take.
 */
export class Journal {
  private readonly fd: number;
  private readonly pending = new LineBuffer();
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
    this.append(JSON.stringify({ kind: 'session', ...session } satisfies JournalSession));
    this.flush();
    // In the thread pool: a sync can take milliseconds, which the broker's thread would otherwise wait out.
    this.syncTimer = setInterval(() => this.syncInBackground(), syncMs);
    this.syncTimer.unref();
  }

  /** `body`, when given, goes into the line as the producer sent it, which spares serializing the payload again. */
  appendEvent(record: TraceRecord, body?: BodyJson): void {
    if (this.closed) return;
    if (!body) {
      this.append(eventLine(record));
      return;
    }
    const head = eventHead(record);
    if (body.payloadOnly) {
      this.pending.text(`${head},"payload":`);
      this.pending.bytes(body.bytes);
      this.pending.text('}\n');
    } else {
      this.pending.text(`${head},`);
      this.pending.bytes(body.bytes, 1);
      this.pending.text('\n');
    }
    this.scheduleFlush();
  }

  appendDelivery(id: string, delivery: Delivery): void {
    if (!this.closed) this.append(deliveryLine(id, delivery));
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
      const chunk = this.pending.view();
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(this.fd, chunk, offset);
      this.pending.clear();
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

  private append(line: string): void {
    this.pending.text(`${line}\n`);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
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

  private syncInBackground(): void {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    // A sync that loses the race with close() fails harmlessly: close() syncs on its own first.
    fdatasync(this.fd, () => undefined);
  }
}

const quote = JSON.stringify as (text: string) => string;
const VALID = '{"valid":true,"checked":true,"errors":[]}';

/**
 * One event as a JSON line, built by hand: on the broker's hot path this is several times faster than
 * `JSON.stringify` of the record. Objects of unknown shape still go through `JSON.stringify`; the
 * round-trip test over a record with every field set catches a field added to `TraceRecord` but not here.
 */
export function eventLine(record: TraceRecord, bodyJson?: string): string {
  const line = eventHead(record);
  const body = bodyJson ?? JSON.stringify({ headers: record.headers, payload: record.payload });
  return body.length > 2 ? `${line},${body.slice(1)}` : `${line}}`;
}

/** An event's line up to its headers and payload, without the closing brace. */
function eventHead(record: TraceRecord): string {
  let line = `{"kind":"event","id":${quote(record.id)},"time":${record.time},"topic":${quote(record.topic)}`;
  if (record.channel !== undefined) line += `,"channel":${quote(record.channel)}`;
  if (record.params !== undefined) line += `,"params":${JSON.stringify(record.params)}`;
  if (record.message !== undefined) line += `,"message":${quote(record.message)}`;
  if (record.document !== undefined) line += `,"document":${quote(record.document)}`;
  line += `,"producer":${quote(record.producer)},"origin":${quote(record.origin)}`;
  if (record.replayOf !== undefined) line += `,"replayOf":${quote(record.replayOf)}`;
  line += `,"qos":${record.qos},"size":${record.size}`;
  if (record.payloadIsText !== undefined) line += `,"payloadIsText":${record.payloadIsText}`;
  const { validation } = record;
  line += `,"validation":${validation.valid && validation.checked && validation.errors.length === 0 ? VALID : JSON.stringify(validation)}`;
  line += `,"disposition":${quote(record.disposition)},"correlation":${JSON.stringify(record.correlation)}`;
  if (record.duplicateOf !== undefined) line += `,"duplicateOf":${quote(record.duplicateOf)}`;
  if (record.causedBy !== undefined) line += `,"causedBy":${quote(record.causedBy)}`;
  if (record.gap !== undefined) line += `,"gap":${JSON.stringify(record.gap)}`;
  line += `,"deliveries":${record.deliveries.length === 0 ? '[]' : JSON.stringify(record.deliveries)}`;
  return line;
}

function deliveryLine(id: string, delivery: Delivery): string {
  const attempt = delivery.attempt === undefined ? '' : `,"attempt":${delivery.attempt}`;
  return `{"kind":"delivery","id":${quote(id)},"consumer":${quote(delivery.consumer)},"time":${delivery.time},"qos":${delivery.qos},"outcome":${quote(delivery.outcome)}${attempt}}`;
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
