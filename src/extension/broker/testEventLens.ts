import * as vscode from 'vscode';
import type { OutlineSymbol } from '../../core/nav/outline';
import type { Ctx } from '../ctx';
import { toRange } from '../diagnostics';

export interface SendTestEventArgs {
  message: string;
  channel?: string;
}

/** "Send test event" above each message of a channel in an AsyncAPI document. */
export class TestEventLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly ctx: Ctx) {}

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.ctx.documents.isAsyncApi(document)) return [];
    const symbols = await this.ctx.navigation.query(document, { op: 'outline' }, token);
    const lenses: vscode.CodeLens[] = [];
    const visit = (symbols: readonly OutlineSymbol[], channel?: OutlineSymbol): void => {
      for (const symbol of symbols) {
        if (symbol.kind === 'message' && channel) {
          const args: SendTestEventArgs = { message: symbol.name, channel: channel.detail ?? channel.name };
          lenses.push(new vscode.CodeLens(toRange(symbol.selectionRange), { title: '$(send) Send test event', command: 'eventscope.sendTestEvent', arguments: [args] }));
        }
        visit(symbol.children, symbol.kind === 'channel' && symbol.name !== 'channels' ? symbol : channel);
      }
    };
    visit(symbols ?? []);
    return lenses;
  }
}
