import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findDiffConfig } from '../core/evolve/config';
import { gitRevisionReader, repositoryRoot } from '../core/evolve/git';
import { LIVE_DIFF_CODES, liveDiff } from '../core/evolve/live';
import { loadDocument, type LoadedDocument } from '../core/evolve/loader';
import { isAsyncApiText } from '../core/validate/detect';
import { workspaceReader } from './compare';
import type { Ctx } from './ctx';
import { toDiagnostic } from './diagnostics';
import { Disposable } from './disposable';

export const VERSION_BUMP_CODE = LIVE_DIFF_CODES.versionBump;
const DEBOUNCE_MS = 500;

const headOf = (root: string): Promise<string | undefined> =>
  new Promise((resolve) => execFile('git', ['rev-parse', 'HEAD'], { cwd: root }, (error, stdout) => resolve(error ? undefined : stdout.trim())));

/**
 * With `eventscope.diff.liveAgainstHead` on, the changes between HEAD and the buffer appear as
 * diagnostics on the changed lines while typing, and a version that does not say them gets a quick fix.
 */
export class LiveDiff extends Disposable implements vscode.CodeActionProvider {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('eventscope-diff'));
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly heads = new Map<string, LoadedDocument>();
  /** The version each document's quick fix proposes. */
  private readonly proposals = new Map<string, string>();

  constructor(private readonly ctx: Ctx) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('eventscope.diff')) for (const document of vscode.workspace.textDocuments) this.schedule(document);
      }),
    );
    this.register({ dispose: () => this.timers.forEach((timer) => clearTimeout(timer)) });
    this.register(vscode.languages.registerCodeActionsProvider([{ scheme: 'file', language: 'yaml' }, { scheme: 'file', language: 'json' }], this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
    for (const document of vscode.workspace.textDocuments) this.schedule(document);
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file' || !['yaml', 'json'].includes(document.languageId)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => void this.refresh(document), DEBOUNCE_MS));
  }

  private async refresh(document: vscode.TextDocument): Promise<void> {
    const text = document.getText();
    if (!this.ctx.config.diffLiveAgainstHead || !isAsyncApiText(text)) {
      this.collection.delete(document.uri);
      return;
    }
    const file = document.uri.fsPath;
    try {
      const root = await repositoryRoot(file);
      const head = await headOf(root);
      if (!head) return;
      const key = `${head}:${file}`;
      let before = this.heads.get(key);
      if (!before) {
        const reader = gitRevisionReader(root, head);
        before = await loadDocument(await reader.readFile(file), file, reader);
        this.heads.set(key, before);
      }
      const after = await loadDocument(text, file, workspaceReader(this.ctx));
      const project = await findDiffConfig(path.dirname(file), vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(file));
      for (const problem of project?.problems ?? []) this.ctx.log.warn(`${project?.file}: ${problem}`);
      const { findings, proposedVersion } = liveDiff(before, after, project, this.ctx.config.diffMode);
      const diagnostics = findings.map((finding) => {
        const diagnostic = toDiagnostic(finding);
        diagnostic.source = 'eventscope-diff';
        return diagnostic;
      });
      if (proposedVersion) this.proposals.set(document.uri.toString(), proposedVersion);
      else this.proposals.delete(document.uri.toString());
      this.collection.set(document.uri, diagnostics);
    } catch (error) {
      // Not in a repository, or not in HEAD yet: nothing to compare with.
      this.ctx.log.debug(`live diff skipped for ${file}: ${(error as Error).message.split('\n')[0] ?? ''}`);
      this.collection.delete(document.uri);
    }
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const proposal = this.proposals.get(document.uri.toString());
    if (!proposal) return [];
    return context.diagnostics
      .filter((diagnostic) => diagnostic.code === VERSION_BUMP_CODE)
      .map((diagnostic) => {
        const current = document.getText(diagnostic.range);
        // Keep the author's quoting; JSON needs quotes either way.
        const quote = /^['"]/.test(current) ? current[0] : document.languageId === 'json' ? '"' : "'";
        const action = new vscode.CodeAction(`Set info.version to ${proposal}`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, diagnostic.range, `${quote}${proposal}${quote}`);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        return action;
      });
  }
}
