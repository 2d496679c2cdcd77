import * as vscode from 'vscode';
import { newAsyncApiDocument } from '../core/templates/newDocument';
import { isAsyncApiText } from '../core/validate/detect';
import { compareWithCommand } from './compare';
import type { GenerateClientOptions } from './codegen';
import type { BrokerSession } from './broker/brokerSession';
import type { Ctx } from './ctx';
import { publishOverHttp } from '../core/broker/httpPublish';
import type { SendTestEventArgs } from './broker/testEventLens';
import type { BrokerNode } from './views/brokerTree';
import { FlowPanel } from './webviews/flowPanel';
import { TracePanel } from './webviews/tracePanel';

type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

/** Every command, by the ID package.json declares for it. */
export const COMMANDS: Record<string, CommandFactory> = {
  'eventscope.validateDocument': (ctx) => async () => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !ctx.documents.isAsyncApi(document)) {
      void vscode.window.showWarningMessage('Eventscope: the active editor is not an AsyncAPI document.');
      return undefined;
    }
    const findings = (await ctx.documents.validate(document)) ?? [];
    const errors = findings.filter((finding) => finding.severity === 'error').length;
    void vscode.window.showInformationMessage(
      errors === 0 ? `Eventscope: no errors in ${vscode.workspace.asRelativePath(document.uri)}.` : `Eventscope: ${errors} error(s) in ${vscode.workspace.asRelativePath(document.uri)}.`,
    );
    return findings;
  },

  'eventscope.validateWorkspace': (ctx) => () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Eventscope: validating AsyncAPI documents', cancellable: true },
      async (progress, token) => {
        const candidates = await vscode.workspace.findFiles('**/*.{yaml,yml,json}', '**/{node_modules,.git,dist,out}/**', 5000, token);
        let validated = 0;
        let errors = 0;
        for (const [index, uri] of candidates.entries()) {
          if (token.isCancellationRequested) break;
          // Only AsyncAPI files are opened as documents; the rest are sniffed from disk.
          const head = new TextDecoder().decode((await vscode.workspace.fs.readFile(uri)).subarray(0, 8192));
          if (!isAsyncApiText(head)) continue;
          const document = await vscode.workspace.openTextDocument(uri);
          progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / candidates.length });
          const findings = (await ctx.documents.validate(document)) ?? [];
          errors += findings.filter((finding) => finding.severity === 'error').length;
          validated++;
          if (index % 20 === 0) ctx.log.info(`validated ${validated} of ${candidates.length} candidate files`);
        }
        void vscode.window.showInformationMessage(`Eventscope: validated ${validated} AsyncAPI document(s), ${errors} error(s).`);
        return { validated, errors };
      },
    ),

  'eventscope.newDocument': () => async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: newAsyncApiDocument() });
    await vscode.window.showTextDocument(document);
    return document;
  },

  'eventscope.generateClient': (ctx) => (uri?: unknown, options?: unknown) => {
    // Arguments come from CodeLenses, menus, keybindings or other extensions: checked, not trusted.
    const given = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
    const checked: GenerateClientOptions = {
      ...(typeof given.operationId === 'string' ? { operationId: given.operationId } : {}),
      overwrite: given.overwrite === true,
    };
    return ctx.codegen.generate(uri instanceof vscode.Uri ? uri : undefined, checked);
  },

  'eventscope.showLog': (ctx) => () => ctx.log.show(),

  'eventscope.startBroker': (ctx) => async () => {
    if (ctx.broker.running) {
      const { ports } = ctx.broker.running.current;
      void vscode.window.showInformationMessage(`Eventscope: the broker is already running (MQTT ${ports.mqtt}, WebSocket ${ports.ws}, HTTP ${ports.http}).`);
      return ctx.broker.running.current;
    }
    try {
      const session = await ctx.broker.start();
      if (!session) return undefined;
      const { ports } = session.current;
      void vscode.window.showInformationMessage(`Eventscope: broker listening: MQTT ${ports.mqtt}, WebSocket ${ports.ws}, HTTP ${ports.http}.`);
      return session.current;
    } catch (error) {
      ctx.log.error('the broker did not start', error);
      void vscode.window.showErrorMessage(`Eventscope: the broker did not start: ${(error as Error).message}`);
      return undefined;
    }
  },

  'eventscope.stopBroker': (ctx) => async () => {
    if (!ctx.broker.running) {
      void vscode.window.showInformationMessage('Eventscope: the broker is not running.');
      return false;
    }
    await ctx.broker.stop();
    return true;
  },

  'eventscope.compareWith': (ctx) => compareWithCommand(ctx),

  'eventscope.sendTestEvent': (ctx) => async (args: unknown) => {
    const { message, channel } = (args ?? {}) as Partial<SendTestEventArgs>;
    if (typeof message !== 'string') return undefined;
    const session = await runningBroker(ctx);
    if (!session) return undefined;
    try {
      const event = await session.admin.testEvent(message, channel);
      const result = await publishOverHttp(session.httpUrl, event);
      const verdict = result.valid ? 'valid' : `invalid: ${result.errors?.map((error) => `${error.part}${error.instancePath} ${error.message}`).join('; ') ?? result.error ?? ''}`;
      const text = `Eventscope: sent ${event.message} (${event.source}) to ${event.topic}: ${result.disposition ?? result.status}, ${verdict}`;
      void (result.valid ? vscode.window.showInformationMessage(text) : vscode.window.showWarningMessage(text));
      return result;
    } catch (error) {
      void vscode.window.showErrorMessage(`Eventscope: sending a test event failed: ${(error as Error).message}`);
      return undefined;
    }
  },

  'eventscope.runScenario': (ctx) => (uri: unknown) => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    return target ? ctx.scenarios.run(target) : undefined;
  },

  'eventscope.showTrace': (ctx) => () => TracePanel.show(ctx),

  'eventscope.showEventFlow': (ctx) => async (uri?: unknown) => {
    const document = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || document.uri.scheme !== 'file' || !ctx.documents.isAsyncApi(document)) {
      void vscode.window.showWarningMessage('Eventscope: open a saved AsyncAPI document to show its event flow.');
      return undefined;
    }
    return FlowPanel.show(ctx, { scope: 'document', file: document.uri.fsPath });
  },

  'eventscope.showSystemFlow': (ctx) => () => FlowPanel.show(ctx, { scope: 'system' }),

  'eventscope.refreshBrokerView': (ctx) => () => ctx.brokerTree.refresh(),

  'eventscope.attachToServer': (ctx) => async (args?: unknown) => {
    // Arguments come from tests or other extensions: checked, not trusted.
    const given = typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : undefined;
    const variables = typeof given?.variables === 'object' && given.variables !== null ? Object.fromEntries(Object.entries(given.variables).map(([key, value]) => [key, String(value)])) : undefined;
    const checked = given && typeof given.document === 'string' && typeof given.server === 'string' ? { document: given.document, server: given.server, variables } : undefined;
    try {
      const session = await ctx.taps.attach(checked);
      if (session) void vscode.window.showInformationMessage(`Eventscope: attached to ${session.server}; its events show in the trace.`);
      return session?.current;
    } catch (error) {
      ctx.log.error('attaching failed', error);
      void vscode.window.showErrorMessage(`Eventscope: cannot attach: ${(error as Error).message}`);
      return undefined;
    }
  },

  'eventscope.detachFromServer': (ctx) => async (server?: unknown) => {
    if (ctx.taps.attached.length === 0) {
      void vscode.window.showInformationMessage('Eventscope: no server is attached.');
      return;
    }
    await ctx.taps.detach(typeof server === 'string' ? server : undefined);
  },

  'eventscope.redriveDeadLetter': (ctx) => async (node: unknown) => {
    const session = ctx.broker.running;
    const letter = deadLetterOf(node);
    if (!session || !letter) return undefined;
    try {
      const outcome = await session.admin.redrive(letter.id);
      void vscode.window.showInformationMessage(
        outcome.delivered ? `Eventscope: redrove ${letter.id} to ${letter.topic}.` : `Eventscope: redrove ${letter.id}; the broker ${outcome.disposition} it again.`,
      );
      return outcome;
    } catch (error) {
      void vscode.window.showErrorMessage(`Eventscope: redrive failed: ${(error as Error).message}`);
      return undefined;
    } finally {
      await ctx.brokerTree.refresh();
    }
  },

  'eventscope.deleteDeadLetter': (ctx) => async (node: unknown) => {
    const session = ctx.broker.running;
    const letter = deadLetterOf(node);
    if (!session || !letter) return false;
    try {
      await session.admin.deleteDeadLetter(letter.id);
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(`Eventscope: delete failed: ${(error as Error).message}`);
      return false;
    } finally {
      await ctx.brokerTree.refresh();
    }
  },
};

/** Tree commands get the clicked node; the command palette and tests may pass `{ id, topic }` directly. */
function deadLetterOf(node: unknown): { id: string; topic: string } | undefined {
  const candidate = (node as Partial<Extract<BrokerNode, { kind: 'deadLetter' }>> | undefined)?.letter ?? node;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { id, topic } = candidate as Record<string, unknown>;
  return typeof id === 'string' ? { id, topic: typeof topic === 'string' ? topic : id } : undefined;
}

/** The running broker, or the one the user agrees to start now. */
async function runningBroker(ctx: Ctx): Promise<BrokerSession | undefined> {
  if (ctx.broker.running) return ctx.broker.running;
  const start = 'Start Broker';
  if ((await vscode.window.showInformationMessage('Eventscope: the broker is not running.', start)) !== start) return undefined;
  return ctx.broker.start();
}
