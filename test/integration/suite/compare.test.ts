import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';

/** "Compare with…" in a real extension host: a file on disk against the open, edited buffer. */

function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

const version = (required: boolean): string => `asyncapi: 3.0.0
info:
  title: Compare
  version: 1.0.0
channels:
  userSignedUp:
    address: users/signed-up
    messages:
      UserSignedUp:
        payload:
          type: object
          properties:
            userId:
              type: string
${required ? '          required: [userId]\n' : ''}operations:
  publishUserSignedUp:
    action: send
    channel:
      $ref: '#/channels/userSignedUp'
`;

function reportTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputWebview && tab.label.startsWith('Changes: compare-new.yaml'));
}

describe('Compare with…', function () {
  it('a sent message whose payload no longer requires a field breaks consumers, and the report opens', async () => {
    const oldUri = workspaceUri('compare-old.yaml');
    const newUri = workspaceUri('compare-new.yaml');
    await vscode.workspace.fs.writeFile(oldUri, Buffer.from(version(true), 'utf8'));
    await vscode.workspace.fs.writeFile(newUri, Buffer.from(version(true), 'utf8'));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(newUri));
    // The unsaved edit is what gets compared: drop the `required` line.
    const line = editor.document.getText().split('\n').findIndex((text) => text.includes('required: [userId]'));
    await editor.edit((edit) => edit.delete(editor.document.lineAt(line).rangeIncludingLineBreak));

    const tabOpened = new Promise<void>((resolve) => {
      const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
        if (reportTab()) {
          subscription.dispose();
          resolve();
        }
      });
    });
    const summary = await vscode.commands.executeCommand<{ breaking: number; nonBreaking: number; unclassified: number } | undefined>('eventscope.compareWith', oldUri);
    assert.ok(summary, 'the comparison ran');
    assert.ok(summary.breaking >= 1, `widening a sent payload is breaking: ${JSON.stringify(summary)}`);
    if (!reportTab()) await tabOpened;
    assert.ok(reportTab(), 'the report webview is open');

    await vscode.window.showTextDocument(editor.document); // the report took the focus
    const unchanged = await vscode.commands.executeCommand<{ breaking: number; nonBreaking: number; unclassified: number } | undefined>('eventscope.compareWith', newUri);
    assert.deepEqual(unchanged, { breaking: 0, nonBreaking: 0, unclassified: 0 }, 'the document against itself (its unsaved buffer on both sides) reports no change');
  });
  it('live against HEAD: a breaking edit shows as a diagnostic, and the quick fix bumps info.version', async () => {
    const folder = workspaceUri('live');
    const file = vscode.Uri.joinPath(folder, 'asyncapi.yaml');
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(file, Buffer.from(version(true), 'utf8'));
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.name=Eventscope test', '-c', 'user.email=test@eventscope.invalid', ...args], { cwd: folder.fsPath, stdio: 'pipe' });
    };
    git('init', '-q');
    git('add', 'asyncapi.yaml');
    git('commit', '-qm', 'version 1.0.0');
    const settings = vscode.workspace.getConfiguration('eventscope');
    await settings.update('diff.liveAgainstHead', true, vscode.ConfigurationTarget.Workspace);
    try {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
      const ours = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(file).filter((diagnostic) => diagnostic.source === 'eventscope-diff');
      const bumpShown = new Promise<vscode.Diagnostic>((resolve) => {
        const subscription = vscode.languages.onDidChangeDiagnostics(() => {
          const bump = ours().find((diagnostic) => diagnostic.code === 'eventscope-version-bump');
          if (bump) {
            subscription.dispose();
            resolve(bump);
          }
        });
      });
      const line = editor.document.getText().split('\n').findIndex((text) => text.includes('required: [userId]'));
      await editor.edit((edit) => edit.delete(editor.document.lineAt(line).rangeIncludingLineBreak));
      const bump = await bumpShown;
      assert.equal(bump.range.start.line, 3, 'on info.version');
      assert.ok(ours().some((diagnostic) => diagnostic.code !== 'eventscope-version-bump' && /breaking/.test(diagnostic.message)), `the breaking change itself: ${JSON.stringify(ours().map((diagnostic) => diagnostic.message))}`);

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, bump.range);
      const fix = actions.find((action) => action.title.startsWith('Set info.version to'));
      assert.equal(fix?.title, 'Set info.version to 2.0.0', `offered: ${actions.map((action) => action.title).join(', ')}`);
      assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)));
      assert.equal(editor.document.lineAt(3).text.trim(), "version: '2.0.0'");
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      await settings.update('diff.liveAgainstHead', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
