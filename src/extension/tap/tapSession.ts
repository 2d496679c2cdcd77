import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import { JournalFollower } from '../../core/trace/journal';
import type { TraceRecord } from '../../core/trace/record';
import { Ring } from '../../core/trace/ring';
import type { Log } from '../log';

/** What the status bar shows of one attached server. */
export interface TapStats {
  server: string;
  state: string;
  messages: number;
  invalid: number;
  /** Connection attempts since the connection was lost; 0 while connected. */
  attempts: number;
  reconnects: number;
  /** Events per second over the last poll. */
  rate: number;
}

export interface TapCredentialsEnv {
  username?: string;
  password?: string;
  token?: string;
}

const POLL_MS = 1000;
const STATUS = /^status (\S+) messages=(\d+) invalid=(\d+) attempts=(\d+) reconnects=(\d+)$/;

/**
 * One attached server: `eventscope trace attach` in its own Node process (the broker client libraries and
 * the parser never load into the extension host), its journal followed for the trace views, its status
 * lines for the status bar. Credentials reach it in the environment, never on the command line.
 */
export class TapSession implements vscode.Disposable {
  readonly records: Ring<TraceRecord>;
  private readonly byId = new Map<string, TraceRecord>();
  private readonly recordsChanged = new vscode.EventEmitter<{ added: readonly TraceRecord[]; updated: readonly TraceRecord[] }>();
  readonly onDidRecord = this.recordsChanged.event;
  private readonly changed = new vscode.EventEmitter<TapStats>();
  readonly onDidChange = this.changed.event;
  private readonly exitedEmitter = new vscode.EventEmitter<void>();
  /** Fires when the tap process ends, whoever ended it. */
  readonly onDidExit = this.exitedEmitter.event;
  private readonly follower: JournalFollower;
  private poller?: NodeJS.Timeout;
  private stats: TapStats;

  private constructor(
    readonly key: string,
    private readonly child: ChildProcess,
    readonly journalFile: string,
    ringSize: number,
    server: string,
    private readonly log: Log,
  ) {
    this.records = new Ring(ringSize);
    this.follower = new JournalFollower(journalFile);
    this.stats = { server, state: 'connecting', messages: 0, invalid: 0, attempts: 0, reconnects: 0, rate: 0 };
  }

  static async start(options: {
    cli: string;
    document: string;
    server: string;
    variables: Record<string, string>;
    credentials: TapCredentialsEnv;
    storage: string;
    ringSize: number;
    log: Log;
  }): Promise<TapSession> {
    const { log } = options;
    mkdirSync(options.storage, { recursive: true });
    const journalFile = path.join(options.storage, `tap-${options.server.replace(/[^\w.-]/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
    const args = [options.cli, 'trace', 'attach', options.document, '--server', options.server, '--out', journalFile];
    for (const [name, value] of Object.entries(options.variables)) args.push('--var', `${name}=${value}`);
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    if (options.credentials.username !== undefined) env.EVENTSCOPE_TAP_USERNAME = options.credentials.username;
    if (options.credentials.password !== undefined) env.EVENTSCOPE_TAP_PASSWORD = options.credentials.password;
    if (options.credentials.token !== undefined) env.EVENTSCOPE_TAP_TOKEN = options.credentials.token;
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastError = '';
    createInterface({ input: child.stderr }).on('line', (line) => {
      lastError = line;
      log.warn(line);
    });
    const lines = createInterface({ input: child.stdout });
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(lastError.replace(/^eventscope: /, '') || `the tap exited (code ${String(code)}) before it was ready`);
    });
    const [ready] = (await Promise.race([once(lines, 'line'), exited])) as [string];
    // Once ready, the exit is the session's to report, not this start's.
    exited.catch(() => undefined);
    if (!ready.startsWith('ready ')) {
      child.kill();
      throw new Error(`unexpected tap output: ${ready}`);
    }
    const session = new TapSession(`${options.document}#${options.server}`, child, journalFile, options.ringSize, options.server, log);
    lines.on('line', (line) => session.status(line));
    child.once('exit', (code, signal) => {
      if (session.poller) log.warn(`the tap on ${options.server} stopped (${signal ?? `code ${String(code)}`})`);
      void session.poll().finally(() => session.stopPolling());
      session.exitedEmitter.fire();
    });
    session.poller = setInterval(() => void session.poll(), POLL_MS);
    log.info(`attached to ${options.server}: ${ready}; journal ${journalFile}`);
    return session;
  }

  get server(): string {
    return this.stats.server;
  }

  get current(): TapStats {
    return this.stats;
  }

  record(id: string): TraceRecord | undefined {
    return this.byId.get(id);
  }

  /** Detaches with SIGTERM, so the tap removes what it made on the server and flushes its journal. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  dispose(): void {
    void this.stop();
    this.stopPolling();
    this.changed.dispose();
    this.recordsChanged.dispose();
    this.exitedEmitter.dispose();
  }

  private status(line: string): void {
    const match = STATUS.exec(line);
    if (!match) return;
    this.stats = { ...this.stats, state: match[1] ?? '', attempts: Number(match[4]), reconnects: Number(match[5]) };
    this.changed.fire(this.stats);
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private async poll(): Promise<void> {
    try {
      const { events } = await this.follower.read();
      for (const record of events) {
        const evicted = this.records.push(record);
        if (evicted) this.byId.delete(evicted.id);
        this.byId.set(record.id, record);
      }
      if (events.length > 0) this.recordsChanged.fire({ added: events, updated: [] });
      const observed = events.filter((record) => record.disposition === 'observed');
      const invalid = observed.filter((record) => !record.validation.valid).length;
      this.stats = { ...this.stats, messages: this.stats.messages + observed.length, invalid: this.stats.invalid + invalid, rate: observed.length / (POLL_MS / 1000) };
      this.changed.fire(this.stats);
    } catch (error) {
      this.log.error('reading the tap journal failed', error);
    }
  }
}
