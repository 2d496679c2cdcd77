import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** Runs first (suite files load in name order), before any other test has opened a document or run a command. */

const EXTENSION_ID = 'eventscope.eventscope';

describe('Eventscope activation', function () {
  this.timeout(120_000);

  it('stays inactive in a workspace of AsyncAPI documents until one is opened, then validates it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension is installed');
    assert.equal(extension.isActive, false, 'nothing activated Eventscope before a document opened');

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'activation.yaml');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('asyncapi: 3.0.0\ninfo:\n  title: Activation\n', 'utf8'));
    // Opening the document, not a call to activate(), must bring the diagnostic.
    const published = new Promise<void>((resolve) => {
      const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
        if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
        if (!vscode.languages.getDiagnostics(uri).some((diagnostic) => diagnostic.source === 'eventscope')) return;
        subscription.dispose();
        resolve();
      });
    });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await published;
    assert.equal(extension.isActive, true);
    const messages = vscode.languages.getDiagnostics(uri).map((diagnostic) => diagnostic.message).join('\n');
    assert.match(messages, /version/, 'the missing info.version is reported');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });
});
