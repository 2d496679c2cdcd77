import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/**
 * Runs inside a real VS Code extension host, with the examples/ workspace (a copy) open.
 * Waits on VS Code's events, never on sleeps.
 */

function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'eventscope');
}

/** Resolves once `uri`'s Eventscope diagnostics satisfy `predicate` (checked now and on every change). */
function diagnosticsMatching(uri: vscode.Uri, predicate: (diagnostics: vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 60_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = ours(uri);
      if (!predicate(diagnostics)) return false;
      subscription.dispose();
      clearTimeout(timer);
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what}; diagnostics now: ${JSON.stringify(ours(uri).map((diagnostic) => [diagnostic.code, diagnostic.range.start.line, diagnostic.message]))}`));
    }, timeoutMs);
    check();
  });
}

async function writeAndOpen(name: string, content: string): Promise<vscode.TextEditor> {
  const uri = workspaceUri(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

const BROKEN_REF = `asyncapi: 3.0.0
info:
  title: Integration
  version: 1.0.0
channels:
  users:
    address: users/{userId}
    parameters:
      userId: {}
    messages:
      UserCreated:
        $ref: '#/components/messages/UserCreatd'
operations:
  sendUser:
    action: send
    channel:
      $ref: '#/channels/users'
components:
  messages:
    UserCreated:
      payload:
        type: object
        additionalProperties: false
        properties:
          id: { type: string }
`;

describe('Eventscope in a real extension host', function () {
  this.timeout(120_000);

  it('publishes a parser diagnostic on the right line', async () => {
    const editor = await writeAndOpen('broken-ref.yaml', BROKEN_REF);
    const diagnostics = await diagnosticsMatching(editor.document.uri, (all) => all.some((diagnostic) => diagnostic.code === 'invalid-ref'), 'invalid-ref');
    const invalidRef = diagnostics.find((diagnostic) => diagnostic.code === 'invalid-ref');
    assert.equal(invalidRef?.range.start.line, 11);
    assert.equal(invalidRef?.severity, vscode.DiagnosticSeverity.Error);
    assert.match(invalidRef?.message ?? '', /UserCreatd/);
  });

  it('offers the closest component as a quick fix, and applying it clears the error', async () => {
    const uri = workspaceUri('broken-ref.yaml');
    const [diagnostic] = (await diagnosticsMatching(uri, (all) => all.some((candidate) => candidate.code === 'invalid-ref'), 'invalid-ref')).filter((candidate) => candidate.code === 'invalid-ref');
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((action) => action.title === "Change $ref to '#/components/messages/UserCreated'");
    assert.ok(fix?.edit, `quick fixes offered: ${actions.map((action) => action.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await diagnosticsMatching(uri, (all) => !all.some((candidate) => candidate.code === 'invalid-ref'), 'the invalid-ref to clear');
  });

  it('validates as you type: an edit introduces an error, taking it back removes it', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceUri('orders', 'asyncapi.yaml')));
    const uri = editor.document.uri;
    const original = editor.document.getText();
    await diagnosticsMatching(uri, (all) => !all.some((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error), 'a clean orders document');
    const addressLine = editor.document.getText().split('\n').findIndex((line) => line.includes('address: shop/orders/{orderId}/placed'));
    assert.ok(addressLine > 0);
    const column = editor.document.lineAt(addressLine).text.indexOf('/placed');
    await editor.edit((builder) => builder.insert(new vscode.Position(addressLine, column), '/{region}'));
    const diagnostics = await diagnosticsMatching(uri, (all) => all.some((diagnostic) => diagnostic.code === 'eventscope-undeclared-parameter'), 'the undeclared parameter');
    assert.equal(diagnostics.find((diagnostic) => diagnostic.code === 'eventscope-undeclared-parameter')?.range.start.line, addressLine);
    // Taken back by an edit, not the `undo` command, which acts on whatever the browser page has focused.
    await editor.edit((builder) => builder.delete(new vscode.Range(addressLine, column, addressLine, column + '/{region}'.length)));
    await diagnosticsMatching(uri, (all) => !all.some((diagnostic) => diagnostic.code === 'eventscope-undeclared-parameter'), 'the error to go once the edit is taken back');
    assert.equal(editor.document.getText(), original);
    await editor.document.save();
  });

  it('an unsaved edit in a shared file re-validates the documents that reference it', async () => {
    const orders = workspaceUri('orders', 'asyncapi.yaml');
    await vscode.workspace.openTextDocument(orders);
    await diagnosticsMatching(orders, (all) => !all.some((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error), 'a clean orders document');
    const common = await vscode.workspace.openTextDocument(workspaceUri('common', 'components.yaml'));
    const editor = await vscode.window.showTextDocument(common);
    const text = common.getText();
    const at = text.indexOf('location: $message.header#/correlationId');
    assert.ok(at > 0);
    const start = common.positionAt(at + 'location: $message.header#/'.length);
    await editor.edit((builder) => builder.insert(start, 'x'));
    const diagnostics = await diagnosticsMatching(common.uri, (all) => all.some((diagnostic) => diagnostic.code === 'eventscope-correlation-id-unresolved'), 'the unresolved correlation ID in the shared file');
    assert.equal(diagnostics.find((diagnostic) => diagnostic.code === 'eventscope-correlation-id-unresolved')?.range.start.line, start.line);
    // Taken back by an edit, not the `undo` command, which acts on whatever the browser page has focused.
    await editor.edit((builder) => builder.delete(new vscode.Range(start, start.translate(0, 1))));
    // The buffer is the file again; saved, so later tests find no unsaved overlay of it.
    await common.save();
    await diagnosticsMatching(common.uri, (all) => !all.some((diagnostic) => diagnostic.code === 'eventscope-correlation-id-unresolved'), 'the shared file to be clean again');
  });

  it('navigates $refs: definition, references, hover', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceUri('orders', 'asyncapi.yaml'));
    const line = document.getText().split('\n').findIndex((text) => text.includes('components.yaml#/components/messages/OrderPlaced'));
    assert.ok(line > 0);
    const position = new vscode.Position(line, document.lineAt(line).text.indexOf('OrderPlaced') + 2);
    const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, position);
    const target = definitions[0];
    assert.ok(target, 'a definition');
    const targetUri = 'targetUri' in target ? target.targetUri : target.uri;
    const targetRange = 'targetRange' in target ? target.targetRange : target.range;
    assert.ok(targetUri.fsPath.endsWith('components.yaml'));
    const common = await vscode.workspace.openTextDocument(targetUri);
    assert.match(common.lineAt(targetRange.start.line).text, /^\s+OrderPlaced:/);

    const references = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, position);
    const services = new Set(references.map((reference) => reference.uri.fsPath.split(/[\\/]/).at(-2)));
    for (const service of ['orders', 'payments', 'inventory', 'notifications']) assert.ok(services.has(service), `references from ${service}: ${[...services].join(', ')}`);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    const hoverText = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(hoverText, /OrderPlaced/);
    assert.match(hoverText, /payload/);
  });

  it('outlines servers, channels, operations and components', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceUri('orders', 'asyncapi.yaml'));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    const names = symbols.map((symbol) => symbol.name);
    for (const section of ['servers', 'channels', 'operations']) assert.ok(names.includes(section), `outline sections: ${names.join(', ')}`);
    const operations = symbols.find((symbol) => symbol.name === 'operations');
    assert.ok(operations?.children.some((child) => child.name === 'publishOrderPlaced'));
  });

  it('outlines a 5 MB document without stalling the extension host, and a JSON-with-comments document', async () => {
    const channels = Array.from({ length: 10000 }, (_, index) => `  ch${index}:\n    address: topic/${index}\n    description: "${'x'.repeat(500)}"\n`).join('');
    const editor = await writeAndOpen('huge.yaml', `asyncapi: 3.0.0\ninfo:\n  title: Huge\n  version: 1.0.0\nchannels:\n${channels}`);
    assert.ok(editor.document.getText().length > 5_000_000);
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    try {
      const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      assert.equal(symbols.find((symbol) => symbol.name === 'channels')?.children.length, 10000);
    } finally {
      clearInterval(ticker);
    }
    // Had the outline been parsed on the extension host's thread, no timer would have run meanwhile.
    assert.ok(turns >= 5, `the extension host's event loop turned ${turns} times during the outline`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const jsonc = await vscode.languages.setTextDocumentLanguage((await writeAndOpen('commented.json', '{\n  // a comment\n  "asyncapi": "3.0.0",\n  "info": { "title": "C", "version": "1.0.0" },\n  "channels": { "hello": { "address": "hello" } }\n}\n')).document, 'jsonc');
    const jsoncSymbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', jsonc.uri);
    // VS Code's own JSON outline lists the same keys; Eventscope's marks a channel as an event.
    const channelSymbols = jsoncSymbols.filter((symbol) => symbol.name === 'channels').flatMap((symbol) => symbol.children);
    assert.ok(channelSymbols.some((child) => child.name === 'hello' && child.kind === vscode.SymbolKind.Event), `outline: ${JSON.stringify(jsoncSymbols.map((symbol) => symbol.name))}`);
  });

  it('completes keys the meta-schema allows and $ref targets', async () => {
    const editor = await writeAndOpen('complete.yaml', 'asyncapi: 3.0.0\ninfo:\n  title: C\n  version: 1.0.0\noperations:\n  op:\n    \ncomponents:\n  messages:\n    Hello:\n      payload: { type: string }\n');
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(6, 4));
    const labels = keys.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    for (const key of ['action', 'channel', 'messages', 'reply']) assert.ok(labels.includes(key), `offered: ${labels.join(', ')}`);
    assert.ok(!labels.includes('payload'));

    await editor.edit((builder) => builder.insert(new vscode.Position(6, 4), "messages:\n      - $ref: '#/"));
    const refs = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(7, 16));
    const refLabels = refs.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(refLabels.some((label) => label.includes('#/components/messages/Hello')), `offered: ${refLabels.join(', ')}`);
  });

  it('runs every command', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['eventscope.validateDocument', 'eventscope.validateWorkspace', 'eventscope.newDocument', 'eventscope.showLog']) assert.ok(commands.includes(id), id);

    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceUri('payments', 'asyncapi.yaml')));
    const findings = await vscode.commands.executeCommand<{ severity: string }[]>('eventscope.validateDocument');
    assert.ok(Array.isArray(findings));
    assert.equal(findings.filter((finding) => finding.severity === 'error').length, 0);

    const summary = await vscode.commands.executeCommand<{ validated: number; errors: number }>('eventscope.validateWorkspace');
    assert.ok(summary.validated >= 4, `validated ${summary.validated}`);

    const created = await vscode.commands.executeCommand<vscode.TextDocument>('eventscope.newDocument');
    assert.equal(created.languageId, 'yaml');
    assert.match(created.getText(), /^asyncapi: 3\.0\.0/);
    await diagnosticsMatching(created.uri, (all) => all.length > 0 && !all.some((diagnostic) => diagnostic.severity <= vscode.DiagnosticSeverity.Warning), 'the template to validate cleanly');

    await vscode.commands.executeCommand('eventscope.showLog');
  });
});
