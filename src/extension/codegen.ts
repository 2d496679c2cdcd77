import * as path from 'node:path';
import * as vscode from 'vscode';
import { handWrittenFiles, type PlannedClient, type PlannedFile } from '../core/codegen/plan';
import { resolveOutDir } from '../core/codegen/outDir';
import { planInWorker } from '../core/worker/codegenClient';
import type { Ctx } from './ctx';
import { Disposable } from './disposable';
import { SELECTOR } from './languageFeatures';

export const GENERATE_CLIENT = 'eventscope.generateClient';
const PREVIEW_SCHEME = 'eventscope-generated';

export interface GenerateClientOptions {
  /** Generate only this operation's stub. */
  operationId?: string;
  /** Write changed files without the diff preview and its confirmation (scripts, keybindings, tests). */
  overwrite?: boolean;
}

export interface GenerateClientResult {
  outDir: string;
  transport: string;
  written: string[];
  unchanged: string[];
  deleted: string[];
}

/** Serves the not-yet-written content of generated files to the diff preview. */
class PreviewContent implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();

  uriFor(file: PlannedFile): vscode.Uri {
    const uri = vscode.Uri.file(file.target).with({ scheme: PREVIEW_SCHEME });
    this.contents.set(uri.path, file.content);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }
}

/**
 * "Eventscope: Generate TypeScript Client" and the "Generate stub" CodeLens above each operation. The work
 * runs in dist/codegenWorker.js, so nothing of the generator loads into the extension host.
 */
export class Codegen extends Disposable {
  private readonly preview = new PreviewContent();
  private readonly workerScript: string;

  constructor(private readonly ctx: Ctx) {
    super();
    this.workerScript = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'codegenWorker.js').fsPath;
    this.register(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this.preview));
    this.register(
      vscode.languages.registerCodeLensProvider(SELECTOR, {
        provideCodeLenses: (document, token) => this.lenses(document, token),
      }),
    );
  }

  private async lenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.ctx.documents.isAsyncApi(document)) return [];
    const anchors = (await this.ctx.navigation.query(document, { op: 'operationAnchors' }, token)) ?? [];
    return anchors.map(
      ({ operationId, range }) =>
        new vscode.CodeLens(new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character), {
          title: 'Generate stub',
          tooltip: `Generate a TypeScript client with only ${operationId}`,
          command: GENERATE_CLIENT,
          arguments: [document.uri, { operationId } satisfies GenerateClientOptions],
        }),
    );
  }

  /** The command: for `uri` (a CodeLens, the Explorer) or else the active editor's document. */
  async generate(uri?: vscode.Uri, options: GenerateClientOptions = {}): Promise<GenerateClientResult | undefined> {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || document.uri.scheme !== 'file' || !this.ctx.documents.isAsyncApi(document)) {
      void vscode.window.showWarningMessage('Eventscope: open a saved AsyncAPI document to generate a client from it.');
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      const manage = 'Manage Workspace Trust';
      const choice = await vscode.window.showWarningMessage('Eventscope: generating a client writes files, which it does only in a trusted workspace.', manage);
      if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const file = document.uri.fsPath;
    const outDir = resolveOutDir(this.ctx.config.codegenOutDir, file, vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath);
    const what = options.operationId ? `the ${options.operationId} stub` : 'a TypeScript client';
    const response = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Eventscope: generating ${what} from ${vscode.workspace.asRelativePath(document.uri)}` },
      () =>
        planInWorker(this.workerScript, {
          file,
          outDir,
          overlays: vscode.workspace.textDocuments.filter((open) => open.isDirty || open === document).map((open) => [open.uri.fsPath, open.getText()]),
          remoteRefs: this.ctx.config.remoteRefs,
          transport: this.ctx.config.codegenTransport,
          operationIds: options.operationId ? [options.operationId] : undefined,
        }),
    );
    if (!response.ok) {
      if ('refused' in response) {
        this.ctx.log.warn(`generation refused for ${file}:\n${response.refused.join('\n')}`);
        void vscode.window.showErrorMessage(`Eventscope: no client generated: ${response.refused[0] ?? 'the document has errors'}${response.refused.length > 1 ? ` (and ${response.refused.length - 1} more in the log)` : ''}`);
        return undefined;
      }
      this.ctx.log.error(`generation failed for ${file}`, new Error(response.error));
      void vscode.window.showErrorMessage('Eventscope: generation failed; see the Eventscope log.');
      return undefined;
    }
    const plan = response.plan;
    const handWritten = handWrittenFiles(plan);
    if (handWritten.length > 0) {
      void vscode.window.showErrorMessage(
        `Eventscope: no client generated: ${handWritten.map((target) => vscode.workspace.asRelativePath(target)).join(', ')} ${handWritten.length === 1 ? 'is' : 'are'} not generated by Eventscope and would be overwritten. Move ${handWritten.length === 1 ? 'it' : 'them'} or set eventscope.codegen.outDir.`,
      );
      return undefined;
    }
    if (!options.overwrite && !(await this.confirmChanges(plan))) return undefined;
    const written: string[] = [];
    for (const planned of plan.files.filter((candidate) => candidate.status !== 'unchanged')) {
      await vscode.workspace.fs.writeFile(vscode.Uri.file(planned.target), Buffer.from(planned.content, 'utf8'));
      written.push(planned.target);
    }
    for (const stale of plan.stale) await vscode.workspace.fs.delete(vscode.Uri.file(stale));
    const unchanged = plan.files.filter((planned) => planned.status === 'unchanged').map((planned) => planned.target);
    this.ctx.log.info(`${plan.transport} client for ${file} in ${outDir}: ${written.length} written, ${unchanged.length} unchanged, ${plan.stale.length} stale deleted`);
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(outDir));
    void vscode.window.showInformationMessage(
      `Eventscope: ${plan.transport} client in ${vscode.workspace.asRelativePath(outDir)}: ${written.length} written, ${unchanged.length} unchanged.`,
    );
    return { outDir, transport: plan.transport, written, unchanged, deleted: plan.stale };
  }

  /** Files that exist and would change are shown side by side first, and written (stale ones deleted) only when the user agrees. */
  private async confirmChanges(plan: PlannedClient): Promise<boolean> {
    const changed = plan.files.filter((planned) => planned.status === 'changed');
    if (changed.length === 0 && plan.stale.length === 0) return true;
    if (changed.length === 0) return this.confirm(`Delete ${plan.stale.length} stale generated file${plan.stale.length === 1 ? '' : 's'}?`, plan.stale, 'Delete');
    const resources = changed.map((planned) => [vscode.Uri.file(planned.target), vscode.Uri.file(planned.target), this.preview.uriFor(planned)]);
    try {
      await vscode.commands.executeCommand('vscode.changes', `Eventscope: ${changed.length} generated file(s) would change`, resources);
    } catch {
      // Hosts without the multi-file diff editor get the first file's diff.
      const [label, left, right] = resources[0]!;
      await vscode.commands.executeCommand('vscode.diff', left, right, `${path.basename(label!.fsPath)}: on disk ↔ generated`);
    }
    const deletion = plan.stale.length > 0 ? ` and delete ${plan.stale.length} stale one${plan.stale.length === 1 ? '' : 's'}` : '';
    return this.confirm(`Write ${changed.length} changed file${changed.length === 1 ? '' : 's'}${deletion}?`, [...changed.map((planned) => planned.target), ...plan.stale], 'Write');
  }

  private async confirm(question: string, files: string[], action: string): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(question, { modal: true, detail: files.map((target) => vscode.workspace.asRelativePath(target)).join('\n') }, action);
    return choice === action;
  }
}
