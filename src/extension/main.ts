import * as vscode from 'vscode';
import { Ctx } from './ctx';

export function activate(context: vscode.ExtensionContext): Ctx {
  try {
    const ctx = new Ctx(context);
    context.subscriptions.push(ctx);
    return ctx;
  } catch (error) {
    void vscode.window.showErrorMessage(`Eventscope failed to start: ${(error as Error).message}`);
    throw error;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
