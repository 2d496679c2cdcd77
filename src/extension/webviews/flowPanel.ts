import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { loadDocument, type LoadedDocument } from '../../core/evolve/loader';
import { buildFlowGraph, type FlowGraph } from '../../core/flow/graph';
import type { FlowLayout } from '../../core/flow/layout';
import { FlowTrafficStats } from '../../core/flow/traffic';
import { buildFlowView, flowFindingsAsDiagnostics, flowItemAt, flowLocation } from '../../core/flow/view';
import { SourceMap } from '../../core/model/sourceMap';
import type { TraceRecord } from '../../core/trace/record';
import { isAsyncApiText } from '../../core/validate/detect';
import type { Finding } from '../../shared/findings';
import { isFlowViewToHost, type ExportFormat, type FlowHostToView, type FlowTraffic, type FlowSource, type FlowViewState, type FlowViewToHost } from '../../shared/flowProtocol';
import { webviewHtml } from '../../shared/webviewHtml';
import { workspaceReader } from '../compare';
import type { Ctx } from '../ctx';
import { publishFindings, toRange } from '../diagnostics';
import { Disposable } from '../disposable';
import { TracePanel, type TraceSource } from './tracePanel';

export const FLOW_VIEW_TYPE = 'eventscope.flow';
const REFRESH_DELAY_MS = 400;
/** How often rates are re-sent while the broker runs, so they fall when traffic stops. */
const TRAFFIC_TICK_MS = 2000;

const sourceKey = (source: FlowSource): string => (source.scope === 'system' ? 'system' : `document:${source.file}`);

/**
 * The event-flow map of one document or of the whole workspace. This side loads the documents, builds the
 * graph and its layout, publishes the design findings as diagnostics, follows the editor's cursor and the
 * broker's traffic; the webview draws.
 */
export class FlowPanel extends Disposable {
  private static readonly open = new Map<string, FlowPanel>();
  /** Design findings per open map, published together (a shared channel's finding appears once). */
  private static readonly findings = new Map<string, Finding[]>();
  private static collection?: vscode.DiagnosticCollection;

  private ready = false;
  private markReady!: () => void;
  /** Resolves once the webview has loaded and said `ready`. */
  readonly whenReady = new Promise<void>((resolve) => (this.markReady = resolve));
  private markRendered!: () => void;
  /** Resolves once the first graph has been sent to the webview. */
  readonly whenRendered = new Promise<void>((resolve) => (this.markRendered = resolve));
  /** The newest message of each kind that describes state, sent again whenever the webview (re)loads. */
  private readonly latest = new Map<FlowHostToView['type'], FlowHostToView>();
  private readonly notices: FlowHostToView[] = [];
  private documents: LoadedDocument[] = [];
  private current?: { graph: FlowGraph; layout: FlowLayout };
  private traffic?: FlowTrafficStats;
  private sourceListeners: vscode.Disposable[] = [];
  private refreshTimer?: NodeJS.Timeout;
  private trafficTimer?: NodeJS.Timeout;
  private building = Promise.resolve();
  private exports = 0;
  private readonly rasterRequests = new Map<number, (dataUrl: string) => void>();
  private cursorMap?: { uri: string; version: number; map: SourceMap };
  private readonly trafficPosted = this.register(new vscode.EventEmitter<FlowTraffic>());
  /** Fires with each traffic snapshot sent to the webview. */
  readonly onDidPostTraffic = this.trafficPosted.event;

  static async show(ctx: Ctx, source: FlowSource): Promise<FlowPanel> {
    const existing = FlowPanel.open.get(sourceKey(source));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const title = source.scope === 'system' ? 'System Flow' : `Event Flow: ${vscode.workspace.asRelativePath(source.file)}`;
    const panel = vscode.window.createWebviewPanel(FLOW_VIEW_TYPE, title, vscode.ViewColumn.Beside, FlowPanel.options(ctx));
    const flow = new FlowPanel(ctx, panel, source);
    await flow.building;
    return flow;
  }

  /** Called by the WebviewPanelSerializer after a reload; the webview restores its own filters, pan and zoom. */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): FlowPanel {
    const saved = (typeof state === 'object' && state !== null ? (state as Partial<FlowViewState>).source : undefined) as unknown;
    const file = typeof saved === 'object' && saved !== null && (saved as { scope?: unknown }).scope === 'document' ? (saved as { file?: unknown }).file : undefined;
    const source: FlowSource = typeof file === 'string' ? { scope: 'document', file } : { scope: 'system' };
    FlowPanel.open.get(sourceKey(source))?.dispose();
    panel.webview.options = FlowPanel.options(ctx);
    return new FlowPanel(ctx, panel, source);
  }

  private static options(ctx: Ctx): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview')] };
  }

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    readonly source: FlowSource,
  ) {
    super();
    FlowPanel.open.set(sourceKey(source), this);
    FlowPanel.collection ??= ctx.own(vscode.languages.createDiagnosticCollection('eventscope-flow'));
    this.register({
      dispose: () => {
        for (const listener of this.sourceListeners) listener.dispose();
        clearTimeout(this.refreshTimer);
        clearInterval(this.trafficTimer);
      },
    });
    this.register(panel.onDidDispose(() => this.dispose()));
    // A hidden map gets no traffic; once shown it catches up at once.
    this.register(panel.onDidChangeViewState(() => this.postTraffic(this.liveSources().length > 0)));
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.register(ctx.broker.onDidChangeSession(() => this.follow(this.liveSources())));
    this.register(ctx.taps.onDidChangeSessions(() => this.follow(this.liveSources())));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChange(event.document)));
    this.register(vscode.workspace.onDidSaveTextDocument((document) => this.onDocumentChange(document)));
    this.register(vscode.window.onDidChangeTextEditorSelection((event) => this.followCursor(event.textEditor)));
    this.register(vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.followCursor(editor)));
    if (source.scope === 'system') {
      const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json}', false, true, false));
      this.register(watcher.onDidCreate(() => this.scheduleRefresh()));
      this.register(watcher.onDidDelete(() => this.scheduleRefresh()));
      // Files made or removed in the editor are reported at once; the watcher may lag behind them.
      this.register(vscode.workspace.onDidCreateFiles(() => this.scheduleRefresh()));
      this.register(vscode.workspace.onDidDeleteFiles(() => this.scheduleRefresh()));
    }
    const root = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
    panel.webview.html = webviewHtml({
      title: 'Eventscope Flow',
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'flow.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'flow.css')).toString(),
    });
    this.building = this.rebuild();
  }

  override dispose(): void {
    if (FlowPanel.open.get(sourceKey(this.source)) === this) FlowPanel.open.delete(sourceKey(this.source));
    FlowPanel.findings.delete(sourceKey(this.source));
    FlowPanel.publishFindings();
    super.dispose();
    this.panel.dispose();
  }

  /** The node or edge highlighted for the editor's cursor. */
  get highlighted(): string | null | undefined {
    const message = this.latest.get('highlight');
    return message?.type === 'highlight' ? message.id : undefined;
  }

  /** The graph on the map now, for tests and the export. */
  get graph(): FlowGraph | undefined {
    return this.current?.graph;
  }

  private async loadDocuments(): Promise<LoadedDocument[]> {
    const reader = workspaceReader(this.ctx);
    if (this.source.scope === 'document') {
      const file = this.source.file;
      return [await loadDocument(await reader.readFile(file), file, reader)];
    }
    const uris = await vscode.workspace.findFiles('**/*.{yaml,yml,json}', '**/{node_modules,.git,dist,out}/**', 5000);
    const loaded: LoadedDocument[] = [];
    for (const uri of uris.sort((a, b) => (a.fsPath < b.fsPath ? -1 : 1))) {
      try {
        const text = await reader.readFile(uri.fsPath);
        if (isAsyncApiText(text.slice(0, 8192))) loaded.push(await loadDocument(text, uri.fsPath, reader));
      } catch (error) {
        this.ctx.log.debug(`flow: skipped ${uri.fsPath}: ${(error as Error).message}`);
      }
    }
    return loaded;
  }

  private async rebuild(): Promise<void> {
    try {
      const documents = await this.loadDocuments();
      // elkjs (about 1.5 MB) loads with the first map.
      const { layoutFlow } = await import('../../core/flow/layout.js');
      const flowDocuments = documents.map((doc) => ({ file: doc.file, model: doc.model, resolved: doc.resolved, origins: doc.origins }));
      const graph = buildFlowGraph(flowDocuments);
      const layout = await layoutFlow(graph);
      if (this.isDisposed) return;
      this.documents = documents;
      this.current = { graph, layout };
      const title = this.source.scope === 'system' ? `System flow: ${graph.applications.length} applications, ${graph.channels.length} channels` : `Event flow: ${documents[0]?.model.title ?? ''}`;
      this.post({ type: 'graph', view: buildFlowView(graph, layout, flowDocuments, { title, source: this.source }) });
      this.publishOwnFindings(graph);
      this.traffic = new FlowTrafficStats(graph);
      this.follow(this.liveSources());
      const editor = vscode.window.activeTextEditor;
      if (editor) this.followCursor(editor);
    } catch (error) {
      this.ctx.log.error('flow: building the map failed', error);
      this.post({ type: 'notice', text: `Cannot draw the map: ${(error as Error).message.split('\n')[0] ?? ''}` });
    } finally {
      this.markRendered();
    }
  }

  private get isDisposed(): boolean {
    return FlowPanel.open.get(sourceKey(this.source)) !== this;
  }

  private publishOwnFindings(graph: FlowGraph): void {
    const texts = new Map(this.documents.flatMap((doc) => [...doc.texts]));
    const maps = new Map<string, SourceMap>();
    const findings = flowFindingsAsDiagnostics(graph.findings, (file, pointer) => {
      const text = texts.get(file);
      if (text === undefined) return undefined;
      let map = maps.get(file);
      if (!map) maps.set(file, (map = new SourceMap(text)));
      return map.rangeOf(pointer, 'key');
    });
    FlowPanel.findings.set(sourceKey(this.source), findings);
    FlowPanel.publishFindings();
  }

  private static publishFindings(): void {
    const collection = FlowPanel.collection;
    if (!collection) return;
    collection.clear();
    publishFindings(collection, [...FlowPanel.findings.values()].flat());
  }

  private onDocumentChange(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file') return;
    const file = document.uri.fsPath;
    const concerned = this.documents.some((doc) => doc.texts.has(file)) || (this.source.scope === 'system' && isAsyncApiText(document.getText().slice(0, 8192)));
    if (concerned) this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.building = this.building.then(() => this.rebuild());
    }, REFRESH_DELAY_MS);
  }

  /** The node or edge written where the cursor is, highlighted on the map. */
  private followCursor(editor: vscode.TextEditor): void {
    const graph = this.current?.graph;
    const document = editor.document;
    if (!graph || document.uri.scheme !== 'file' || !this.documents.some((doc) => doc.file === document.uri.fsPath)) return;
    const uri = document.uri.toString();
    if (this.cursorMap?.uri !== uri || this.cursorMap.version !== document.version) this.cursorMap = { uri, version: document.version, map: new SourceMap(document.getText()) };
    const offset = document.offsetAt(editor.selection.active);
    const pointer = this.cursorMap.map.nodeAt(offset)?.path ?? [];
    const model = this.documents.find((doc) => doc.file === document.uri.fsPath)?.model;
    this.post({ type: 'highlight', id: flowItemAt(graph, document.uri.fsPath, pointer, model) ?? null });
  }

  /** The embedded broker's session and every tap on a real broker: the same records draw the same traffic. */
  private liveSources(): TraceSource[] {
    return [...(this.ctx.broker.running ? [this.ctx.broker.running] : []), ...this.ctx.taps.attached];
  }

  private follow(sources: readonly TraceSource[]): void {
    for (const listener of this.sourceListeners) listener.dispose();
    this.sourceListeners = [];
    clearInterval(this.trafficTimer);
    const traffic = this.traffic;
    if (!traffic) return;
    if (sources.length === 0) {
      this.post({ type: 'traffic', traffic: traffic.snapshot(Date.now()), running: false });
      return;
    }
    // The stats count each record once, so following a source again adds nothing twice.
    const observe = (records: readonly TraceRecord[]): void => {
      for (const record of records) traffic.observe(record);
    };
    for (const source of sources) {
      observe(source.records.toArray());
      this.sourceListeners.push(
        source.onDidRecord(({ added, updated }) => {
          observe(added);
          observe(updated);
          this.postTraffic(true);
        }),
      );
    }
    this.trafficTimer = setInterval(() => this.postTraffic(true), TRAFFIC_TICK_MS);
    this.postTraffic(true);
  }

  private postTraffic(running: boolean): void {
    if (!this.traffic || !this.panel.visible) return;
    const traffic = this.traffic.snapshot(Date.now());
    this.post({ type: 'traffic', traffic, running });
    this.trafficPosted.fire(traffic);
  }

  private post(message: FlowHostToView): void {
    if (message.type === 'graph' || message.type === 'traffic' || message.type === 'highlight') this.latest.set(message.type, message);
    else if (!this.ready) this.notices.push(message);
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private receive(message: unknown): void {
    if (!isFlowViewToHost(message)) {
      this.ctx.log.warn(`flow view: ignored a malformed message ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    this.handle(message).catch((error: unknown) => {
      this.ctx.log.error(`flow view: ${message.type} failed`, error);
      this.post({ type: 'notice', text: `${message.type} failed: ${(error as Error).message}` });
    });
  }

  private async handle(message: FlowViewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        // Also after the panel was hidden: without retainContextWhenHidden the webview starts over.
        this.ready = true;
        this.markReady();
        for (const type of ['graph', 'traffic', 'highlight'] as const) {
          const state = this.latest.get(type);
          if (state) void this.panel.webview.postMessage(state);
        }
        for (const notice of this.notices.splice(0)) void this.panel.webview.postMessage(notice);
        return;
      case 'reveal':
        await this.reveal(message.id);
        return;
      case 'openTrace':
        this.openTrace(message.edgeId);
        return;
      case 'export':
        await this.export(message.format, message.visible);
        return;
      case 'rasterized':
        this.rasterRequests.get(message.requestId)?.(message.dataUrl);
        this.rasterRequests.delete(message.requestId);
        return;
      default: {
        const unexpected: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
      }
    }
  }

  /** Opens where a node or edge is written, selecting its key; the document of a document map wins for shared channels. */
  async reveal(id: string): Promise<vscode.TextEditor | undefined> {
    const graph = this.current?.graph;
    if (!graph) return undefined;
    const location = flowLocation(graph, id, this.source.scope === 'document' ? this.source.file : vscode.window.activeTextEditor?.document.uri.fsPath);
    if (!location) return undefined;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
    const range = toRange(new SourceMap(document.getText()).rangeOf(location.path, 'key'));
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === document.uri.toString());
    const column = visible?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(document, { selection: new vscode.Range(range.start, range.start), viewColumn: column, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /** The trace view, filtered to the edge's channel (and its message or undeclared client). */
  openTrace(edgeId: string): TracePanel | undefined {
    const graph = this.current?.graph;
    const [from = '', to = ''] = edgeId.split('->');
    const channelId = from.startsWith('channel:') ? from : to;
    const channel = graph?.channels.find((candidate) => candidate.id === channelId);
    if (!channel) return undefined;
    const messages = graph?.edges.find((edge) => edge.id === edgeId)?.messages ?? [];
    const client = [from, to].find((end) => end.startsWith('client:'))?.slice('client:'.length) ?? '';
    const trace = TracePanel.show(this.ctx);
    trace.filter({ channel: channel.address ?? channel.name, message: messages.length === 1 ? (messages[0] ?? '') : '', client });
    return trace;
  }

  /** Writes the visible part of the map; asks where unless `target` is given. Resolves to the file written. */
  async export(format: ExportFormat, visible: readonly string[], target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const current = this.current;
    if (!current) return undefined;
    const shown = new Set(visible);
    const graph: FlowGraph = {
      applications: current.graph.applications.filter((app) => shown.has(app.id)),
      channels: current.graph.channels.filter((channel) => shown.has(channel.id)),
      edges: current.graph.edges.filter((edge) => shown.has(edge.from) && shown.has(edge.to)),
      findings: current.graph.findings.filter((finding) => shown.has(finding.nodeId)),
    };
    const edgeIds = new Set(graph.edges.map((edge) => edge.id));
    // The same positions as on screen: the export shows the view, not a fresh layout of the remainder.
    const layout: FlowLayout = { ...current.layout, nodes: current.layout.nodes.filter((node) => shown.has(node.node.id)), edges: current.layout.edges.filter((edge) => edgeIds.has(edge.id)) };
    const extension = format === 'mermaid' ? 'mmd' : format;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const baseName = this.source.scope === 'system' ? 'system-flow' : `${(this.documents[0]?.model.title || 'event').replace(/[^\w.-]+/g, '-').toLowerCase()}-flow`;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: `Export the event flow as ${format.toUpperCase()}`,
        defaultUri: folder && vscode.Uri.joinPath(folder, `${baseName}.${extension}`),
        filters: { [format.toUpperCase()]: [extension] },
      }));
    if (!uri) return undefined;
    const { renderMermaid, renderSvg } = await import('../../core/flow/render.js');
    let bytes: Uint8Array;
    if (format === 'mermaid') bytes = new TextEncoder().encode(renderMermaid(graph));
    else if (format === 'svg') bytes = new TextEncoder().encode(renderSvg(graph, layout));
    else bytes = await this.rasterize(renderSvg(graph, layout), layout.width, layout.height);
    await vscode.workspace.fs.writeFile(uri, bytes);
    this.post({ type: 'notice', text: `Exported ${vscode.workspace.asRelativePath(uri)}` });
    return uri;
  }

  /** The webview draws the SVG on a canvas: the host has no renderer of its own. */
  private rasterize(svg: string, width: number, height: number): Promise<Uint8Array> {
    const requestId = ++this.exports;
    return new Promise((resolve) => {
      this.rasterRequests.set(requestId, (dataUrl) => resolve(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64')));
      this.post({ type: 'rasterize', requestId, svg, width, height });
    });
  }
}

export class FlowPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly ctx: Ctx) {}

  deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    FlowPanel.revive(this.ctx, panel, state);
    return Promise.resolve();
  }
}
