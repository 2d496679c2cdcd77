import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import { findDiffConfig } from '../core/evolve/config';
import { diffDocuments, type Change, type DiffReport } from '../core/evolve/documentDiff';
import { gitRevisionReader, repositoryRoot } from '../core/evolve/git';
import { impactOf } from '../core/evolve/impact';
import { loadDocument, type LoadedDocument } from '../core/evolve/loader';
import { describeCounterexample } from '../core/evolve/report';
import { bumpedVersion } from '../core/evolve/version';
import type { RefReader } from '../core/model/asyncapiParser';
import { createRefReader } from '../core/model/refReader';
import { isAsyncApiText } from '../core/validate/detect';
import { parseViewToHost, type ChangeSideView, type HostToView, type ReportView } from '../shared/diffReportProtocol';
import type { Ctx } from './ctx';
import { toRange } from './diagnostics';
import { Disposable } from './disposable';
import { webviewHtml } from '../shared/webviewHtml';

/** Shows a version of a file from a git revision or elsewhere, read-only, for "reveal" on the old side. */
export class VersionContentProvider implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'eventscope-version';
  private readonly texts = new Map<string, string>();

  uriFor(file: string, label: string, text: string): vscode.Uri {
    const key = `${label}:${file}`;
    this.texts.set(key, text);
    return vscode.Uri.from({ scheme: VersionContentProvider.scheme, path: file, query: key });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }
}

/** Open editor buffers win over the files on disk, so an unsaved edit is what gets compared. */
export function workspaceReader(ctx: Ctx): RefReader {
  const overlays = new Map(vscode.workspace.textDocuments.filter((document) => document.uri.scheme === 'file').map((document) => [document.uri.fsPath, document.getText()]));
  return createRefReader({ overlays, remoteRefs: ctx.config.remoteRefs });
}

interface Comparison {
  report: DiffReport;
  oldDoc: LoadedDocument;
  newDoc: LoadedDocument;
  oldLabel: string;
  oldUri: (file: string) => vscode.Uri;
}

/**
 * Command "Eventscope: Compare with…": the active document against a git revision or another file.
 * Callers (keybindings, other extensions, tests) may pass the target: a file URI or a revision name.
 * Resolves to the report's summary, or undefined when nothing was compared.
 */
export function compareWithCommand(ctx: Ctx): (target?: unknown) => Promise<DiffReport['summary'] | undefined> {
  return async (target) => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isAsyncApiText(document.getText())) {
      void vscode.window.showWarningMessage('Eventscope: open an AsyncAPI document to compare it.');
      return undefined;
    }
    const given = typeof target === 'string' ? ({ source: 'git', revision: target } as const) : target instanceof vscode.Uri ? ({ source: 'file', uri: target } as const) : undefined;
    const choice = given ?? await vscode.window.showQuickPick(
      [
        { label: '$(git-commit) Git revision…', description: 'HEAD, a branch or a tag', source: 'git' as const },
        { label: '$(file) File…', description: 'another version on disk', source: 'file' as const },
      ],
      { title: 'Eventscope: compare with' },
    );
    if (!choice) return undefined;
    const file = document.uri.fsPath;
    try {
      let oldDoc: LoadedDocument;
      let oldLabel: string;
      if (choice.source === 'git') {
        const root = await repositoryRoot(file);
        const revision = given?.source === 'git' ? given.revision : await pickRevision(root);
        if (!revision) return undefined;
        const reader = gitRevisionReader(root, revision);
        oldDoc = await loadDocument(await reader.readFile(file), file, reader);
        oldLabel = revision;
      } else {
        const picked = given?.source === 'file' ? [given.uri] : await vscode.window.showOpenDialog({ canSelectMany: false, filters: { AsyncAPI: ['yaml', 'yml', 'json'] }, openLabel: 'Compare' });
        if (!picked?.[0]) return undefined;
        const reader = workspaceReader(ctx);
        oldDoc = await loadDocument(await reader.readFile(picked[0].fsPath), picked[0].fsPath, reader);
        oldLabel = vscode.workspace.asRelativePath(picked[0]);
      }
      const newDoc = await loadDocument(document.getText(), file, workspaceReader(ctx));
      const project = await findDiffConfig(path.dirname(file), vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(file));
      const report = diffDocuments(oldDoc, newDoc, { defaultMode: project?.mode ?? ctx.config.diffMode, rules: project?.rules, ignore: project?.ignore });
      const comparison: Comparison = { report, oldDoc, newDoc, oldLabel, oldUri: (name) => ctx.versions.uriFor(name, oldLabel, oldDoc.texts.get(name) ?? '') };
      const panel = ctx.own(new DiffReportPanel(ctx.extension.extensionUri, comparison));
      panel.post({ type: 'report', report: toView(comparison, await workspaceApplications(ctx, file)) });
      return report.summary;
    } catch (error) {
      ctx.log.error('Compare with failed', error);
      void vscode.window.showErrorMessage(`Eventscope: cannot compare: ${(error as Error).message.split('\n')[0] ?? ''}`);
      return undefined;
    }
  };
}

async function pickRevision(root: string): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  const refs = await new Promise<string[]>((resolve) =>
    execFile('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/tags'], { cwd: root }, (error, stdout) => resolve(error ? [] : stdout.split('\n').filter(Boolean))),
  );
  const other = '$(edit) Other revision…';
  const picked = await vscode.window.showQuickPick(['HEAD', ...refs, other], { title: 'Compare with which revision?' });
  if (picked !== other) return picked;
  return vscode.window.showInputBox({ prompt: 'A git revision (commit, branch, tag, HEAD~2…)', value: 'HEAD~1' });
}

/** Every other AsyncAPI document in the workspace, loaded for the impact list; unreadable ones are skipped. */
async function workspaceApplications(ctx: Ctx, except: string): Promise<LoadedDocument[]> {
  const uris = await vscode.workspace.findFiles('**/*.{yaml,yml,json}', '**/{node_modules,.git,dist,out}/**', 2000);
  const reader = workspaceReader(ctx);
  const loaded: LoadedDocument[] = [];
  for (const uri of uris) {
    if (uri.fsPath === except) continue;
    try {
      const text = await reader.readFile(uri.fsPath);
      if (isAsyncApiText(text.slice(0, 8192))) loaded.push(await loadDocument(text, uri.fsPath, reader));
    } catch (error) {
      ctx.log.debug(`impact: skipped ${uri.fsPath}: ${(error as Error).message}`);
    }
  }
  return loaded;
}

function snippet(text: string | undefined, line: number): string {
  if (text === undefined) return '';
  const lines = text.split('\n');
  return lines.slice(Math.max(0, line - 1), line + 3).join('\n');
}

function toView(comparison: Comparison, others: LoadedDocument[]): ReportView {
  const { report, oldDoc, newDoc, oldLabel } = comparison;
  const sideView = (doc: LoadedDocument, location: Change['old'], prefix: string): ChangeSideView | undefined =>
    location && {
      label: `${prefix}${vscode.workspace.asRelativePath(location.file)}:${(location.range?.start.line ?? 0) + 1}`,
      pointer: location.pointer,
      snippet: snippet(doc.texts.get(location.file), location.range?.start.line ?? 0),
    };
  const proposal = bumpedVersion(report.version.oldVersion, report.version.requiredBump);
  return {
    title: newDoc.model.title || vscode.workspace.asRelativePath(newDoc.file),
    oldLabel,
    newLabel: 'working copy',
    mode: report.mode,
    summary: report.summary,
    version: {
      line: `Version ${report.version.oldVersion} → ${report.version.newVersion}; ${report.version.requiredBump === 'none' ? 'no bump required' : `${report.version.requiredBump} bump required${proposal ? ` (${proposal})` : ''}`}`,
      problem: report.version.problem,
    },
    changes: report.changes.map((change) => ({
      class: change.class,
      rule: change.rule,
      message: change.message,
      help: change.help,
      usages: change.usages,
      counterexample: change.counterexample ? describeCounterexample(change) : undefined,
      group: change.channels[0] ?? 'Document',
      old: sideView(oldDoc, change.old, `${oldLabel}:`),
      new: sideView(newDoc, change.new, ''),
    })),
    impact: impactOf(report, newDoc, others).map((channel) => ({
      address: channel.address,
      applications: channel.applications.map((app) => ({ label: `${app.title} (${vscode.workspace.asRelativePath(app.file)})`, operation: app.operation, action: app.action, counterpart: app.counterpart, broken: app.broken })),
    })),
  };
}

/** The report webview: strict CSP with a fresh nonce, theme colors, text only; messages queue until the view is ready. */
class DiffReportPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private readonly queue: HostToView[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly comparison: Comparison,
  ) {
    super();
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = this.register(
      vscode.window.createWebviewPanel('eventscope.diffReport', `Changes: ${path.basename(comparison.newDoc.file)} vs ${comparison.oldLabel}`, vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [root],
      }),
    );
    this.panel.webview.html = this.html(root);
    this.register(this.panel.onDidDispose(() => this.dispose()));
    this.register(this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
  }

  post(message: HostToView): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseViewToHost(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const queued of this.queue.splice(0)) void this.panel.webview.postMessage(queued);
        return;
      case 'reveal': {
        const change = this.comparison.report.changes[message.index];
        const location = change?.[message.side];
        if (!location) return;
        const uri = message.side === 'new' ? vscode.Uri.file(location.file) : this.comparison.oldUri(location.file);
        const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: true });
        if (location.range) {
          editor.selection = new vscode.Selection(toRange(location.range).start, toRange(location.range).end);
          editor.revealRange(toRange(location.range), vscode.TextEditorRevealType.InCenter);
        }
        return;
      }
      default: {
        const unexpected: never = message;
        return unexpected;
      }
    }
  }

  private html(root: vscode.Uri): string {
    const webview = this.panel.webview;
    return webviewHtml({
      title: 'Eventscope changes',
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'diffReport.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'diffReport.style.css')).toString(),
    });
  }
}
