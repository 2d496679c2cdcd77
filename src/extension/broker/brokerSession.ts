import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import { BrokerAdminClient } from '../../core/broker/adminClient';
import { ADMIN_TOKEN_ENV } from '../../core/broker/adminTypes';
import { JournalFollower } from '../../core/trace/journal';
import type { TraceRecord } from '../../core/trace/record';
import { Ring } from '../../core/trace/ring';
import type { BrokerSettings } from '../config';
import type { Log } from '../log';

export interface BrokerStats {
  ports: { mqtt: number; ws: number; http: number };
  events: number;
  invalid: number;
  /** Events per second over the last poll. */
  rate: number;
}

const POLL_MS = 1000;

/**
 * One running broker: the `eventscope broker` CLI in its own Node process (VS Code's, as plain Node), so
 * aedes and the parser never block or crash the extension host. The session follows its JSONL journal for
 * the status bar and keeps the newest events in a ring for the views.
 */
export class BrokerSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<BrokerStats>();
  readonly onDidChange = this.changed.event;
  readonly records: Ring<TraceRecord>;
  /** Records still in the ring, by ID, so deliveries read later from the journal find their event. */
  private readonly byId = new Map<string, TraceRecord>();
  private readonly recordsChanged = new vscode.EventEmitter<{ added: readonly TraceRecord[]; updated: readonly TraceRecord[] }>();
  /** Fires after each journal read that brought new events or deliveries. */
  readonly onDidRecord = this.recordsChanged.event;
  private readonly follower: JournalFollower;
  private poller?: NodeJS.Timeout;
  private stats: BrokerStats = { ports: { mqtt: 0, ws: 0, http: 0 }, events: 0, invalid: 0, rate: 0 };

  private constructor(
    private readonly settings: BrokerSettings,
    private readonly child: ChildProcess,
    /** The broker process's admin API: dead letters, redrive, replay, channel and client stats. */
    readonly admin: BrokerAdminClient,
    readonly journalFile: string,
    private readonly log: Log,
  ) {
    this.records = new Ring(settings.traceRingSize);
    this.follower = new JournalFollower(journalFile);
  }

  static async start(options: { cli: string; documents: string[]; storage: string; settings: BrokerSettings; log: Log }): Promise<BrokerSession> {
    const { settings, log } = options;
    mkdirSync(options.storage, { recursive: true });
    const journalFile = path.join(options.storage, `broker-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
    const args = [
      options.cli, 'broker', ...options.documents,
      '--host', settings.host,
      '--mqtt-port', String(settings.mqttPort),
      '--ws-port', String(settings.wsPort),
      '--http-port', String(settings.httpPort),
      '--on-invalid', settings.onInvalid,
      '--max-message-bytes', String(settings.maxMessageBytes),
      '--trace', journalFile,
      '--admin-port', '0',
    ];
    // The token travels in the environment, which other users cannot read from the process list.
    const token = randomBytes(24).toString('hex');
    const child = spawn(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', [ADMIN_TOKEN_ENV]: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: child.stderr }).on('line', (line) => log.warn(line));
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`the broker exited (code ${String(code)}) before it was ready; see the Eventscope log`);
    });
    const [line] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited])) as [string];
    const match = /^ready mqtt=(\d+) ws=(\d+) http=(\d+) admin=(\d+)$/.exec(line);
    if (!match) {
      child.kill();
      throw new Error(`unexpected broker output: ${line}`);
    }
    const session = new BrokerSession(settings, child, new BrokerAdminClient(Number(match[4]), token), journalFile, log);
    session.stats.ports = { mqtt: Number(match[1]), ws: Number(match[2]), http: Number(match[3]) };
    child.once('exit', (code, signal) => {
      if (session.poller) log.warn(`the broker stopped unexpectedly (${signal ?? `code ${String(code)}`})`);
      session.stopPolling();
    });
    session.poller = setInterval(() => void session.poll(), POLL_MS);
    log.info(`broker ready: mqtt=${match[1]} ws=${match[2]} http=${match[3]}, journal ${journalFile}`);
    return session;
  }

  /** A record still in the ring. */
  record(id: string): TraceRecord | undefined {
    return this.byId.get(id);
  }

  /** Base URL of the broker's HTTP publish endpoint, as this machine reaches it. */
  get httpUrl(): string {
    const host = ['0.0.0.0', '::', ''].includes(this.settings.host) ? '127.0.0.1' : this.settings.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.stats.ports.http}`;
  }

  get current(): BrokerStats {
    return this.stats;
  }

  /** Stops the broker with SIGTERM, so it flushes the journal, and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopPolling();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
    this.recordsChanged.dispose();
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private async poll(): Promise<void> {
    try {
      const { events, deliveries } = await this.follower.read();
      for (const record of events) {
        const evicted = this.records.push(record);
        if (evicted) this.byId.delete(evicted.id);
        this.byId.set(record.id, record);
      }
      const updated = new Set<TraceRecord>();
      for (const { id, ...delivery } of deliveries) {
        const record = this.byId.get(id);
        if (!record) continue;
        record.deliveries.push(delivery);
        updated.add(record);
      }
      if (events.length > 0 || updated.size > 0) this.recordsChanged.fire({ added: events, updated: [...updated] });
      const invalid = events.filter((record) => !record.validation.valid).length;
      this.stats = { ...this.stats, events: this.stats.events + events.length, invalid: this.stats.invalid + invalid, rate: events.length / (POLL_MS / 1000) };
      this.changed.fire(this.stats);
    } catch (error) {
      this.log.error('reading the broker journal failed', error);
    }
  }
}
