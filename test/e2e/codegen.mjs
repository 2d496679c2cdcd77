// Client generation over a folder that holds an earlier generated client with a hand edit: the
// command shows the change as a diff and writes only when the user agrees in the dialog.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HAND_EDIT = 'export type EditedByHand = true;\n';

export async function generateWithPreview({ page, vscode, workspace, results, step }) {
  const types = path.join(workspace, 'generated', 'orders', 'types.ts');
  const generated = readFileSync(types, 'utf8');
  // Below the header, so the file is still Eventscope's to rewrite.
  writeFileSync(types, generated + HAND_EDIT);

  await vscode.quickOpen('orders/asyncapi.yaml');
  // The command generates for the active editor: focus it (in whichever group Quick Open used), away from any webview.
  const group = page.locator('.editor-group-container', { has: page.locator('.tab.active[aria-label*="asyncapi.yaml"]') }).first();
  await group.locator('.monaco-editor .view-lines').first().click();
  await page.waitForFunction(() => Boolean(document.activeElement?.closest('.monaco-editor')));
  await vscode.runCommand('Eventscope: Generate TypeScript Client');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 120_000 }).catch(async (error) => {
    const toasts = await page.locator('.notifications-toasts').innerText().catch(() => '');
    throw new Error(`no dialog; notifications: ${JSON.stringify(toasts)}`, { cause: error });
  });
  assert.match(await dialog.innerText(), /Write 1 changed file\?[\s\S]*generated\/orders\/types\.ts/);
  const diffTab = page.locator('.tabs-container .tab', { hasText: 'would change' });
  await diffTab.waitFor({ timeout: 30_000 });
  await vscode.screenshot(path.join(results, 'e2e-codegen-preview.png'));
  assert.equal(readFileSync(types, 'utf8'), generated + HAND_EDIT, 'nothing is written before the user agrees');
  step('generating over a changed client shows the change as a diff and asks before writing');

  await dialog.locator('.monaco-button', { hasText: 'Write' }).click();
  const deadline = Date.now() + 60_000;
  while (readFileSync(types, 'utf8') !== generated) {
    if (Date.now() > deadline) throw new Error('types.ts was not rewritten after "Write"');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  step('"Write" rewrites the changed file as generated, the hand edit gone');
}
