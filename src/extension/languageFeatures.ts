import * as vscode from 'vscode';
import type { CompletionItem as CoreCompletion } from '../core/nav/completion';
import type { OutlineKind, OutlineSymbol } from '../core/nav/outline';
import type { RefLocation } from '../core/nav/refs';
import { fixesFor } from '../core/validate/fixes';
import type { Ctx } from './ctx';
import { toRange } from './diagnostics';

/** YAML and JSON files; each provider checks that the document is AsyncAPI or a file one references. */
export const SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml', scheme: 'file' },
  { language: 'json', scheme: 'file' },
  { language: 'jsonc', scheme: 'file' },
  { language: 'yaml', scheme: 'untitled' },
  { language: 'json', scheme: 'untitled' },
  { language: 'jsonc', scheme: 'untitled' },
];

const SYMBOL_KINDS: Record<OutlineKind, vscode.SymbolKind> = {
  document: vscode.SymbolKind.Module,
  server: vscode.SymbolKind.Interface,
  channel: vscode.SymbolKind.Event,
  operation: vscode.SymbolKind.Function,
  message: vscode.SymbolKind.Struct,
  schema: vscode.SymbolKind.Class,
  parameter: vscode.SymbolKind.TypeParameter,
  component: vscode.SymbolKind.Object,
};

const COMPLETION_KINDS: Record<CoreCompletion['kind'], vscode.CompletionItemKind> = {
  ref: vscode.CompletionItemKind.Reference,
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
};

export function registerLanguageFeatures(ctx: Ctx): void {
  const features = new LanguageFeatures(ctx);
  ctx.own(vscode.languages.registerCodeActionsProvider(SELECTOR, features, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
  ctx.own(vscode.languages.registerDefinitionProvider(SELECTOR, features));
  ctx.own(vscode.languages.registerReferenceProvider(SELECTOR, features));
  ctx.own(vscode.languages.registerHoverProvider(SELECTOR, features));
  ctx.own(vscode.languages.registerDocumentSymbolProvider(SELECTOR, features, { label: 'AsyncAPI' }));
  ctx.own(vscode.languages.registerCompletionItemProvider(SELECTOR, features, '/', '#', '"', "'", ' '));
}

class LanguageFeatures
  implements vscode.CodeActionProvider, vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.HoverProvider, vscode.DocumentSymbolProvider, vscode.CompletionItemProvider
{
  constructor(private readonly ctx: Ctx) {}

  /** AsyncAPI documents, and files they reference (shared components), get the features. */
  private applies(document: vscode.TextDocument): boolean {
    return this.ctx.documents.isAsyncApi(document) || this.ctx.documents.isReferenced(document.uri.fsPath);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const findings = this.ctx.documents.findingsFor(document.uri.fsPath);
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'eventscope') continue;
      // Diagnostics come back as copies, so they are matched to our findings by code and range.
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

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Location | undefined> {
    if (!this.applies(document)) return undefined;
    const location = await this.ctx.navigation.query(document, { op: 'definition', offset: document.offsetAt(position) }, token);
    return location && toLocation(location);
  }

  async provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext, token: vscode.CancellationToken): Promise<vscode.Location[]> {
    if (!this.applies(document)) return [];
    const uris = await vscode.workspace.findFiles('**/*.{yaml,yml,json}', '**/{node_modules,.git,dist,out}/**', 5000, token);
    const query = { op: 'references', offset: document.offsetAt(position), includeDeclaration: context.includeDeclaration, candidates: uris.map((uri) => uri.fsPath) } as const;
    return ((await this.ctx.navigation.query(document, query, token)) ?? []).map(toLocation);
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.applies(document)) return undefined;
    const markdown = await this.ctx.navigation.query(document, { op: 'hover', offset: document.offsetAt(position) }, token);
    return markdown === undefined ? undefined : new vscode.Hover(new vscode.MarkdownString(markdown));
  }

  async provideDocumentSymbols(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentSymbol[]> {
    if (!this.applies(document)) return [];
    return ((await this.ctx.navigation.query(document, { op: 'outline' }, token)) ?? []).map(toSymbol);
  }

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionItem[]> {
    if (!this.ctx.documents.isAsyncApi(document)) return [];
    const suggestions = (await this.ctx.navigation.query(document, { op: 'completion', offset: document.offsetAt(position) }, token)) ?? [];
    return suggestions.map((suggestion) => {
      const item = new vscode.CompletionItem(suggestion.label, COMPLETION_KINDS[suggestion.kind]);
      item.insertText = suggestion.insertText;
      item.detail = suggestion.detail;
      if (suggestion.documentation) item.documentation = new vscode.MarkdownString(suggestion.documentation);
      if (suggestion.range) item.range = toRange(suggestion.range);
      return item;
    });
  }
}

function toLocation(location: RefLocation): vscode.Location {
  return new vscode.Location(vscode.Uri.file(location.file), toRange(location.range));
}

function toSymbol(symbol: OutlineSymbol): vscode.DocumentSymbol {
  const result = new vscode.DocumentSymbol(symbol.name, symbol.detail ?? '', SYMBOL_KINDS[symbol.kind], toRange(symbol.range), toRange(symbol.selectionRange));
  result.children = symbol.children.map(toSymbol);
  return result;
}
