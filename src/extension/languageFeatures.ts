import * as vscode from 'vscode';
import { fixesFor } from '../core/validate/fixes';
import type { Ctx } from './ctx';
import { toRange } from './diagnostics';

/** YAML and JSON files; each provider checks that the document really is AsyncAPI (or one it references). */
const SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml', scheme: 'file' },
  { language: 'json', scheme: 'file' },
  { language: 'yaml', scheme: 'untitled' },
  { language: 'json', scheme: 'untitled' },
];

export function registerLanguageFeatures(ctx: Ctx): void {
  ctx.own(vscode.languages.registerCodeActionsProvider(SELECTOR, new QuickFixes(ctx), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
}

/** Quick fixes for the findings that carry a fix hint, matched back to our findings by code and range. */
class QuickFixes implements vscode.CodeActionProvider {
  constructor(private readonly ctx: Ctx) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const findings = this.ctx.documents.findingsFor(document.uri.fsPath);
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'eventscope') continue;
      const finding = findings.find((candidate) => candidate.fix && candidate.code === diagnostic.code && toRange(candidate.range).isEqual(diagnostic.range));
      if (!finding) continue;
      for (const fix of fixesFor(document.getText(), finding)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) action.edit.replace(document.uri, toRange(edit.range), edit.newText);
        actions.push(action);
      }
    }
    return actions;
  }
}
