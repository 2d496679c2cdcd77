import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { completeAt, type CompletionItem as CoreCompletion, type NavInput } from '../core/nav/completion';
import { hoverAt } from '../core/nav/hover';
import { outline, type OutlineKind, type OutlineSymbol } from '../core/nav/outline';
import { definitionLocation, findReferences, parseRef, refAt, type RefTarget } from '../core/nav/refs';
import { SourceMap } from '../core/model/sourceMap';
import { fixesFor } from '../core/validate/fixes';
import type { Ctx } from './ctx';
import { toRange } from './diagnostics';

/** YAML and JSON files; each provider checks that the document is AsyncAPI or a file one references. */
const SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml', scheme: 'file' },
  { language: 'json', scheme: 'file' },
  { language: 'yaml', scheme: 'untitled' },
  { language: 'json', scheme: 'untitled' },
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

  private input(document: vscode.TextDocument, position: vscode.Position): NavInput {
    return { file: document.uri.fsPath, text: document.getText(), offset: document.offsetAt(position), readFile: readText };
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

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    if (!this.applies(document)) return undefined;
    const ref = refAt(document.getText(), document.offsetAt(position));
    const target = ref && parseRef(document.uri.fsPath, ref.ref);
    if (!target || target.kind === 'remote') return undefined;
    const text = readText(target.file);
    const range = text === undefined ? undefined : definitionLocation(target, text);
    return range && new vscode.Location(vscode.Uri.file(target.file), toRange(range));
  }

  async provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext, token: vscode.CancellationToken): Promise<vscode.Location[]> {
    if (!this.applies(document)) return [];
    const target = targetAt(document, position);
    if (!target) return [];
    const uris = await vscode.workspace.findFiles('**/*.{yaml,yml,json}', '**/{node_modules,.git,dist,out}/**', 5000, token);
    const documents = uris.flatMap((uri) => {
      const text = readText(uri.fsPath);
      return text !== undefined && text.includes('$ref') ? [{ file: uri.fsPath, text }] : [];
    });
    const locations = findReferences(target, documents).map((location) => new vscode.Location(vscode.Uri.file(location.file), toRange(location.range)));
    if (context.includeDeclaration) {
      const text = readText(target.file);
      const declaration = text === undefined ? undefined : definitionLocation(target, text);
      if (declaration) locations.unshift(new vscode.Location(vscode.Uri.file(target.file), toRange(declaration)));
    }
    return locations;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.applies(document)) return undefined;
    const markdown = hoverAt(this.input(document, position));
    return markdown === undefined ? undefined : new vscode.Hover(new vscode.MarkdownString(markdown));
  }

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    if (!this.applies(document)) return [];
    return outline(document.getText()).map(toSymbol);
  }

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    if (!this.ctx.documents.isAsyncApi(document)) return [];
    return completeAt(this.input(document, position)).map((suggestion) => {
      const item = new vscode.CompletionItem(suggestion.label, COMPLETION_KINDS[suggestion.kind]);
      item.insertText = suggestion.insertText;
      item.detail = suggestion.detail;
      if (suggestion.documentation) item.documentation = new vscode.MarkdownString(suggestion.documentation);
      if (suggestion.range) item.range = toRange(suggestion.range);
      return item;
    });
  }
}

/** What the cursor names: a `$ref`'s target, or the definition under it (a component key, say). */
function targetAt(document: vscode.TextDocument, position: vscode.Position): RefTarget | undefined {
  const offset = document.offsetAt(position);
  const ref = refAt(document.getText(), offset);
  if (ref) {
    const parsed = parseRef(document.uri.fsPath, ref.ref);
    return parsed && parsed.kind !== 'remote' ? parsed : undefined;
  }
  const node = new SourceMap(document.getText()).nodeAt(offset);
  return node?.onKey ? { file: document.uri.fsPath, pointer: node.path } : undefined;
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

function toSymbol(symbol: OutlineSymbol): vscode.DocumentSymbol {
  const result = new vscode.DocumentSymbol(symbol.name, symbol.detail ?? '', SYMBOL_KINDS[symbol.kind], toRange(symbol.range), toRange(symbol.selectionRange));
  result.children = symbol.children.map(toSymbol);
  return result;
}
