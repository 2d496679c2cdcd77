import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { chainOf } from '../../core/trace/chain';
import type { TraceRecord } from '../../core/trace/record';
import { schemaLocation } from '../../core/trace/schemaLocation';
import { sequenceOf } from '../../core/trace/sequence';
import { webviewHtml } from '../../shared/webviewHtml';
import { isViewToHost, type HostToView, type TraceDetail, type TraceFilters, type TraceRow, type ViewToHost } from '../../shared/traceProtocol';
import type { Ring } from '../../core/trace/ring';
import type { Ctx } from '../ctx';
import { toRange } from '../diagnostics';
import { Disposable } from '../disposable';

export const TRACE_VIEW_TYPE = 'eventscope.trace';

/** Where trace records come from: the embedded broker's session, or a tap on a real broker. */
export interface TraceSource {
  readonly records: Ring<TraceRecord>;
  record(id: string): TraceRecord | undefined;
  readonly onDidRecord: vscode.Event<{ added: readonly TraceRecord[]; updated: readonly TraceRecord[] }>;
}

export function toRow(record: TraceRecord): TraceRow {
  return {
    id: record.id,
    time: record.time,
    topic: record.topic,
    channel: record.channel,
    message: record.message,
    producer: record.producer,
    consumers: [...new Set(record.deliveries.map((delivery) => delivery.consumer))],
    valid: record.validation.valid,
    disposition: record.disposition,
    correlation: record.correlation.correlationId ?? record.correlation.traceId,
    size: record.size,
    duplicate: record.duplicateOf !== undefined,
  };
}

/**
 * The live trace of the broker and of the attached taps: the webview renders the table and the detail; this
 * side feeds it rows from each source's journal follower and answers selections with the record's detail
 * and its chain.
 */
export class TracePanel extends Disposable {
  private static current?: TracePanel;
  private ready = false;
  private markReady!: () => void;
  /** Resolves once the webview has loaded and said `ready`. */
  readonly whenReady = new Promise<void>((resolve) => (this.markReady = resolve));
  private readonly queue: HostToView[] = [];
  private readonly sources = new Map<TraceSource, vscode.Disposable>();

  static show(ctx: Ctx): TracePanel {
    if (TracePanel.current) {
      TracePanel.current.panel.reveal();
      return TracePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(TRACE_VIEW_TYPE, 'Eventscope Trace', vscode.ViewColumn.Active, TracePanel.options(ctx));
    return new TracePanel(ctx, panel);
  }

  /** Called by the WebviewPanelSerializer after a reload; the webview restores its own filters and selection. */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel): TracePanel {
    TracePanel.current?.dispose();
    panel.webview.options = TracePanel.options(ctx);
    return new TracePanel(ctx, panel);
  }

  private static options(ctx: Ctx): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview')] };
  }

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
  ) {
    super();
    TracePanel.current = this;
    this.register({ dispose: () => this.follow([]) });
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    const followAll = (): void => this.follow([...(ctx.broker.running ? [ctx.broker.running] : []), ...ctx.taps.attached]);
    this.register(ctx.broker.onDidChangeSession(followAll));
    this.register(ctx.taps.onDidChangeSessions(followAll));
    followAll();
    const root = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
    panel.webview.html = webviewHtml({
      title: 'Eventscope Trace',
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'trace.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'trace.css')).toString(),
    });
  }

  override dispose(): void {
    if (TracePanel.current === this) TracePanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  /** Shows only the events the filters match; the webview keeps them as if typed. */
  filter(filters: Partial<TraceFilters>): void {
    this.post({ type: 'filter', filters });
  }

  /** Follows exactly these sources; those gone keep their rows in the view until the next reset. */
  private follow(sources: readonly TraceSource[]): void {
    for (const [source, listener] of this.sources) {
      if (sources.includes(source)) continue;
      listener.dispose();
      this.sources.delete(source);
    }
    let added = false;
    for (const source of sources) {
      if (this.sources.has(source)) continue;
      added = true;
      this.sources.set(
        source,
        source.onDidRecord(({ added: rows, updated }) => {
          if (rows.length > 0) this.post({ type: 'append', rows: rows.map(toRow) });
          if (updated.length > 0) this.post({ type: 'update', rows: updated.map(toRow) });
        }),
      );
    }
    if (added && this.ready) this.reset();
    else this.post({ type: 'running', running: this.running });
  }

  private get running(): boolean {
    return this.ctx.broker.running !== undefined || this.ctx.taps.attached.length > 0;
  }

  private allRecords(): TraceRecord[] {
    const sources = [...this.sources.keys()];
    const records = sources.flatMap((source) => source.records.toArray());
    return sources.length > 1 ? records.sort((a, b) => a.time - b.time) : records;
  }

  private findRecord(id: string): TraceRecord | undefined {
    for (const source of this.sources.keys()) {
      const record = source.record(id);
      if (record) return record;
    }
    return undefined;
  }

  private reset(): void {
    this.post({ type: 'reset', rows: this.allRecords().map(toRow), running: this.running });
  }

  private post(message: HostToView): void {
    if (!this.ready) {
      // Before the handshake only the latest state matters: `reset` on ready sends all rows.
      if (message.type !== 'append' && message.type !== 'update') this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private receive(message: unknown): void {
    if (!isViewToHost(message)) {
      this.ctx.log.warn(`trace view: ignored a malformed message ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    this.handle(message).catch((error: unknown) => this.ctx.log.error(`trace view: ${message.type} failed`, error));
  }

  private async handle(message: ViewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.markReady();
        this.reset();
        for (const queued of this.queue.splice(0)) if (queued.type !== 'reset') this.post(queued);
        return;
      case 'select': {
        const record = this.findRecord(message.id);
        if (record) this.post({ type: 'detail', detail: this.detail(record) });
        return;
      }
      case 'openError':
        return this.openError(message.id, message.index);
      case 'replay': {
        const session = this.ctx.broker.running;
        if (!session) return this.post({ type: 'notice', text: 'Start the broker to replay events.' });
        const result = await session.admin.replay({ ids: [message.id] });
        const text = result.replayed.length > 0 ? `Replayed ${message.id} as ${result.replayed[0]?.id ?? ''}.` : `The broker no longer holds ${message.id} in memory.`;
        return this.post({ type: 'notice', text });
      }
      default: {
        const unexpected: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private detail(record: TraceRecord): TraceDetail {
    const chainKey = record.correlation.correlationId ?? record.correlation.traceId;
    const steps = chainOf(this.allRecords(), chainKey ?? record.id);
    const facts: [string, string][] = [
      ['ID', record.id],
      ['Time', new Date(record.time).toISOString()],
      ['Topic', record.topic],
      ['Channel', record.channel ?? '(no channel matched)'],
      ...(record.params && Object.keys(record.params).length > 0 ? [['Parameters', JSON.stringify(record.params)] as [string, string]] : []),
      ['Message', record.message ?? '(none)'],
      ['Producer', `${record.producer} (${record.origin})`],
      ['Disposition', `${record.disposition}${record.validation.valid ? '' : ', invalid'}${record.validation.checked ? '' : ', not checked'}`],
      ['Size', `${record.size} bytes, QoS ${record.qos}`],
      ['Deliveries', record.deliveries.map((delivery) => `${delivery.consumer} ${delivery.outcome}${delivery.attempt ? ` #${delivery.attempt}` : ''}`).join(', ') || 'none'],
    ];
    const { correlation } = record;
    if (correlation.correlationId) facts.push(['Correlation ID', correlation.correlationId]);
    if (correlation.traceId) facts.push(['Trace ID', correlation.traceId]);
    if (correlation.messageId) facts.push(['Message ID', correlation.messageId]);
    if (record.duplicateOf) facts.push(['Duplicate of', record.duplicateOf]);
    if (record.causedBy) facts.push(['Caused by', record.causedBy]);
    if (record.replayOf) facts.push(['Replay of', record.replayOf]);
    if (record.gap) facts.push(['Gap', `${new Date(record.gap.from).toISOString()} – ${new Date(record.gap.to).toISOString()}: ${record.gap.reason}, ${record.gap.attempts} attempt(s)`]);
    if (record.document) facts.push(['Document', vscode.workspace.asRelativePath(record.document)]);
    return {
      id: record.id,
      facts,
      payload: record.payload === undefined ? '(no body kept)' : record.payloadIsText && typeof record.payload === 'string' ? record.payload : JSON.stringify(record.payload, null, 2),
      headers: record.headers ? JSON.stringify(record.headers, null, 2) : '(none)',
      errors: record.validation.errors.map((error) => ({
        text: `${error.part}${error.instancePath}: ${error.message}`,
        linked: record.document !== undefined && error.schemaPath !== undefined,
      })),
      sequence: sequenceOf(steps),
      chainKey,
    };
  }

  private async openError(id: string, index: number): Promise<void> {
    const record = this.findRecord(id);
    const error = record?.validation.errors[index];
    if (!record?.document || !error?.schemaPath) return;
    const location = schemaLocation(record.document, error.schemaPath, readText);
    if (!location) {
      this.post({ type: 'notice', text: `Cannot read ${record.document}.` });
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
    const range = toRange(location.range);
    await vscode.window.showTextDocument(document, { selection: range, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
  }
}

/** An open editor's text wins over the file on disk. */
function readText(file: string): string | undefined {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === file);
  if (open) return open.getText();
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export class TracePanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly ctx: Ctx) {}

  deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    TracePanel.revive(this.ctx, panel);
    return Promise.resolve();
  }
}
