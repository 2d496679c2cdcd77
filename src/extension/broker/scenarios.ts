import * as vscode from 'vscode';
import { publishOverHttp } from '../../core/broker/httpPublish';
import { parseScenario, type ScenarioProblem } from '../../core/scenario/scenario';
import type { Ctx } from '../ctx';
import { toRange } from '../diagnostics';
import { Disposable } from '../disposable';

export const SCENARIO_LANGUAGE = 'eventscope-events';
const DEBOUNCE_MS = 300;

/**
 * `.events` scenario files: syntax diagnostics always, contract diagnostics (unknown address, invalid
 * payload) from the running broker, which holds the workspace's documents; a "Run scenario" CodeLens.
 */
export class ScenarioService extends Disposable implements vscode.CodeLensProvider {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('eventscope-scenarios'));
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ctx: Ctx) {
    super();
    this.register(vscode.languages.registerCodeLensProvider({ language: SCENARIO_LANGUAGE }, this));
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document, DEBOUNCE_MS)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)));
    this.register(ctx.broker.onDidChangeSession(() => this.checkAll()));
    this.register({ dispose: () => this.timers.forEach((timer) => clearTimeout(timer)) });
    this.checkAll();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const { steps } = parseScenario(document.getText());
    const first = steps[0];
    if (!first) return [];
    const publishes = steps.filter((step) => step.kind === 'publish').length;
    return [new vscode.CodeLens(toRange(first.range), { title: `$(play) Run scenario (${publishes} events)`, command: 'eventscope.runScenario', arguments: [document.uri] })];
  }

  /** Publishes every step in order through the broker's HTTP endpoint; returns the HTTP statuses. */
  async run(uri: vscode.Uri): Promise<{ published: number; invalid: number; statuses: number[] } | undefined> {
    const session = this.ctx.broker.running;
    if (!session) {
      void vscode.window.showWarningMessage('Eventscope: start the broker to run a scenario.');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const { steps, problems } = parseScenario(document.getText());
    if (problems.length > 0) {
      void vscode.window.showErrorMessage(`Eventscope: ${vscode.workspace.asRelativePath(uri)} has ${problems.length} syntax error(s); fix them first.`);
      return undefined;
    }
    const statuses: number[] = [];
    let invalid = 0;
    for (const step of steps) {
      if (step.kind === 'wait') {
        await new Promise((resolve) => setTimeout(resolve, step.ms));
        continue;
      }
      const result = await publishOverHttp(session.httpUrl, { topic: step.address, headers: step.headers, payload: step.payload }, `scenario:${vscode.workspace.asRelativePath(uri)}`);
      statuses.push(result.status);
      if (result.valid === false) invalid++;
    }
    const text = `Eventscope: ran ${vscode.workspace.asRelativePath(uri)}: ${statuses.length} events published${invalid > 0 ? `, ${invalid} invalid` : ''}.`;
    void (invalid > 0 ? vscode.window.showWarningMessage(text) : vscode.window.showInformationMessage(text));
    return { published: statuses.length, invalid, statuses };
  }

  private checkAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (document.languageId !== SCENARIO_LANGUAGE) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.check(document);
      }, delayMs),
    );
  }

  private async check(document: vscode.TextDocument): Promise<void> {
    const text = document.getText();
    const problems: ScenarioProblem[] = [...parseScenario(text).problems];
    const session = this.ctx.broker.running;
    if (session) {
      try {
        problems.push(...(await session.admin.checkScenario(text)));
      } catch (error) {
        this.ctx.log.warn(`checking ${document.uri.fsPath} against the broker failed: ${(error as Error).message}`);
      }
    }
    if (document.isClosed || document.getText() !== text) return;
    this.collection.set(
      document.uri,
      problems.map((problem) => {
        const diagnostic = new vscode.Diagnostic(toRange(problem.range), problem.message, problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'eventscope';
        diagnostic.code = problem.code;
        return diagnostic;
      }),
    );
  }
}
