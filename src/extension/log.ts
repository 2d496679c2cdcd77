import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

/** The extension's log, in the "Eventscope" output channel with VS Code's log levels. */
export class Log implements Logger, vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Eventscope', { log: true });

  trace(message: string): void {
    this.channel.trace(message);
  }
  debug(message: string): void {
    this.channel.debug(message);
  }
  info(message: string): void {
    this.channel.info(message);
  }
  warn(message: string): void {
    this.channel.warn(message);
  }
  error(message: string, error?: unknown): void {
    this.channel.error(error instanceof Error ? `${message}: ${error.stack ?? error.message}` : message);
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
