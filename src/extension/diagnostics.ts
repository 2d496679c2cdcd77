import * as path from 'node:path';
import * as vscode from 'vscode';
import { isAsyncApiText } from '../core/validate/detect';
import { ValidationClient } from '../core/worker/validationClient';
import { SupersededError } from '../core/worker/workerConnection';
import type { Finding, Severity } from '../shared/findings';
import type { Config } from './config';
import { Disposable } from './disposable';
import type { Log } from './log';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

interface RootState {
  findings: Finding[];
  referencedFiles: string[];
}

export function toRange(range: Finding['range']): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function toDiagnostic(finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITY[finding.severity]);
  diagnostic.source = 'eventscope';
  diagnostic.code = finding.code;
  return diagnostic;
}

/** Sets each file's diagnostics in `collection` to its findings, a finding repeated at the same place once. */
export function publishFindings(collection: vscode.DiagnosticCollection, findings: readonly Finding[]): void {
  const byFile = new Map<string, Map<string, vscode.Diagnostic>>();
  for (const finding of findings) {
    let diagnostics = byFile.get(finding.file);
    if (!diagnostics) byFile.set(finding.file, (diagnostics = new Map<string, vscode.Diagnostic>()));
    diagnostics.set(`${finding.code}|${finding.range.start.line}:${finding.range.start.character}|${finding.message}`, toDiagnostic(finding));
  }
  for (const [file, diagnostics] of byFile) collection.set(vscode.Uri.file(file), [...diagnostics.values()]);
}

/**
 * Keeps the Problems panel in step with the AsyncAPI documents: validates on open and, debounced,
 * as you type; re-validates documents whose referenced files change; publishes each finding in the
 * file it points into (a root document's finding may land in a shared components file).
 */
export class DocumentService extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('eventscope'));
  private readonly roots = new Map<string, RootState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Untitled documents have no file path; their findings are keyed by fsPath and published to their own URI. */
  private readonly uris = new Map<string, vscode.Uri>();
  private readonly client: ValidationClient;
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  /** Fires with a root document's path whenever its findings are fresh. */
  readonly onDidValidate = this.changed.event;

  constructor(
    workerScript: string,
    private readonly config: Config,
    private readonly log: Log,
  ) {
    super();
    this.client = new ValidationClient(workerScript);
    this.register({ dispose: () => void this.client.dispose() });
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.onEdit(event.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('eventscope')) this.revalidateAll();
      }),
    );
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.revalidateAll()));
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  isAsyncApi(document: vscode.TextDocument): boolean {
    return (document.languageId === 'yaml' || document.languageId === 'json' || document.languageId === 'jsonc') && isAsyncApiText(document.getText());
  }

  findingsFor(file: string): Finding[] {
    return [...this.roots.values()].flatMap((root) => root.findings.filter((finding) => finding.file === file));
  }

  /** Whether an open AsyncAPI document `$ref`s this file. */
  isReferenced(file: string): boolean {
    return [...this.roots.values()].some((root) => root.referencedFiles.includes(file));
  }

  private onEdit(document: vscode.TextDocument): void {
    this.schedule(document, this.config.debounceMs);
    const file = document.uri.fsPath;
    for (const [root, state] of this.roots) {
      if (root !== file && state.referencedFiles.includes(file)) {
        const rootDocument = vscode.workspace.textDocuments.find((candidate) => candidate.uri.fsPath === root);
        if (rootDocument) this.schedule(rootDocument, this.config.debounceMs);
      }
    }
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return;
    if (!this.isAsyncApi(document)) {
      if (this.roots.has(document.uri.fsPath)) this.forget(document.uri);
      return;
    }
    const key = document.uri.fsPath;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(document);
      }, delayMs),
    );
  }

  /** Validates now; resolves when the findings are published (undefined if a newer edit superseded it). */
  async validate(document: vscode.TextDocument): Promise<Finding[] | undefined> {
    const file = document.uri.fsPath;
    this.uris.set(file, document.uri);
    const overlays = new Map<string, string>();
    for (const open of vscode.workspace.textDocuments) {
      if (open.isDirty && open.uri.scheme === 'file' && open.uri.fsPath !== file) overlays.set(open.uri.fsPath, open.getText());
    }
    const started = Date.now();
    try {
      const result = await this.client.validate({
        file,
        text: document.getText(),
        overlays,
        remoteRefs: this.config.remoteRefs,
        projectRoot: vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(file),
        options: { rules: this.config.rules },
      });
      if (document.isClosed) return undefined;
      this.roots.set(file, { findings: result.findings, referencedFiles: result.referencedFiles });
      this.publish([file, ...result.referencedFiles, ...result.findings.map((finding) => finding.file)]);
      this.log.debug(`validated ${file} in ${Date.now() - started} ms: ${result.findings.length} findings`);
      this.changed.fire(file);
      return result.findings;
    } catch (error) {
      if (error instanceof SupersededError) return undefined;
      this.log.error(`validation of ${file} failed`, error);
      throw error;
    }
  }

  private forget(uri: vscode.Uri): void {
    const file = uri.fsPath;
    clearTimeout(this.timers.get(file));
    const state = this.roots.get(file);
    if (!state) return;
    this.roots.delete(file);
    this.uris.delete(file);
    this.publish([file, ...state.referencedFiles, ...state.findings.map((finding) => finding.file)]);
  }

  private publish(files: string[]): void {
    for (const file of new Set(files)) {
      const seen = new Set<string>();
      const diagnostics: vscode.Diagnostic[] = [];
      for (const finding of this.findingsFor(file)) {
        const key = `${finding.code}|${finding.range.start.line}:${finding.range.start.character}|${finding.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        diagnostics.push(toDiagnostic(finding));
      }
      this.collection.set(this.uris.get(file) ?? vscode.Uri.file(file), diagnostics);
    }
  }

  private revalidateAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }
}
