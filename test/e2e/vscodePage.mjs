// What a person does in VS Code's web UI, as Playwright steps on code-server's workbench page.
import path from 'node:path';

export class VsCodePage {
  constructor(page) {
    this.page = page;
  }

  async waitForWorkbench() {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    await this.page.locator('.statusbar').waitFor({ timeout: 120_000 });
  }

  /** Opens a top-level workspace file from the Explorer, as a user would with a double click. */
  async openFile(name) {
    const row = this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: 60_000 });
    await row.dblclick();
    await this.page.locator(`.tab.active[aria-label*="${name}"]`).waitFor({ timeout: 60_000 });
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** Opens a workspace file by its relative path through Quick Open (Ctrl+P). */
  async quickOpen(relativePath) {
    const input = this.page.locator('.quick-input-widget .quick-input-box input').first();
    await this.takeFocusFromWebview();
    await this.page.keyboard.press('Control+P');
    await input.waitFor({ timeout: 10_000 }).catch(async () => {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+P');
      await input.waitFor();
    });
    await input.fill(relativePath);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await this.page.locator(`.tab.active[aria-label*="${path.basename(relativePath)}"]`).waitFor({ timeout: 60_000 });
  }

  /** Moves the cursor to the end of a 1-based line through the quick input's `:line` mode. */
  async goToLineEnd(line) {
    await this.page.locator('.monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input').first();
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await this.page.keyboard.press('End');
  }

  async type(text) {
    await this.page.keyboard.type(text, { delay: 30 });
  }

  /**
   * A webview that has the focus forwards a key to the workbench, then takes the focus back, which closes
   * the quick input as it opens (seen in CI after a click in the flow map): the page gets the focus first.
   */
  async takeFocusFromWebview() {
    await this.page.evaluate(() => {
      if (document.activeElement instanceof HTMLIFrameElement) document.activeElement.blur();
    });
  }

  async runCommand(title) {
    await this.takeFocusFromWebview();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input').first();
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Opens the Problems panel and returns its rows' accessible text once one matches `pattern`. */
  async waitForProblem(pattern, timeoutMs = 90_000) {
    await this.page.keyboard.press('Control+Shift+M');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const labels = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? element.textContent ?? ''));
      const match = labels.find((label) => pattern.test(label));
      if (match) return { match, labels };
      if (Date.now() > deadline) throw new Error(`no problem matching ${pattern} within ${timeoutMs} ms; rows: ${JSON.stringify(labels)}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Waits until no Problems row matches `pattern`. */
  async waitForNoProblem(pattern, timeoutMs = 90_000) {
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const labels = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? element.textContent ?? ''));
      if (!labels.some((label) => pattern.test(label))) return labels;
      if (Date.now() > deadline) throw new Error(`a problem matching ${pattern} stayed for ${timeoutMs} ms; rows: ${JSON.stringify(labels)}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Applies the quick fix titled `title` at the cursor, from the Quick Fix menu. */
  async applyQuickFix(title) {
    await this.runCommand('Quick Fix...');
    const action = this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    await action.waitFor({ timeout: 30_000 });
    // The menu is keyboard-driven (a pointer block sits over it): walk to the action, then Enter.
    const focused = this.page.locator('.action-widget .monaco-list-row.focused');
    for (let step = 0; step < 20 && (await focused.getAttribute('aria-label')) !== title; step++) {
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
  }

  /**
   * Counts the pixels of a screenshot region that look like the theme's error red, in the page
   * itself (a canvas) so no image library is needed.
   */
  async countErrorRedPixels(png, region) {
    return this.page.evaluate(
      async ({ dataUrl, region }) => {
        const image = new Image();
        image.src = dataUrl;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = region.width;
        canvas.height = region.height;
        const context = canvas.getContext('2d');
        context.drawImage(image, region.x, region.y, region.width, region.height, 0, 0, region.width, region.height);
        const { data } = context.getImageData(0, 0, region.width, region.height);
        let count = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] > 170 && data[i + 1] < 90 && data[i + 2] < 90) count++;
        return count;
      },
      { dataUrl: `data:image/png;base64,${png.toString('base64')}`, region },
    );
  }

  /** The frame of the webview whose document has `selector`: code-server nests each webview in two iframes. */
  async webviewFrame(selector, timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        if (await frame.$(selector).catch(() => null)) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview showing ${selector} within ${timeoutMs} ms`);
      await this.page.waitForTimeout(250);
    }
  }

  /** The cursor's 1-based line, from the status bar's "Ln 12, Col 3". */
  async cursorLine() {
    const text = await this.page.locator('.statusbar-item[id="status.editor.selection"]').first().textContent();
    const match = /Ln (\d+)/.exec(text ?? '');
    if (!match) throw new Error(`no cursor position in the status bar: ${text}`);
    return Number(match[1]);
  }

  /** Counts the pixels of a screenshot region within `tolerance` of an `rgb(r, g, b)` colour, in the page (a canvas). */
  async countPixels(png, region, rgb, tolerance = 40) {
    const [r, g, b] = rgb.match(/\d+/g).map(Number);
    return this.page.evaluate(
      async ({ dataUrl, region, color, tolerance }) => {
        const image = new Image();
        image.src = dataUrl;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = region.width;
        canvas.height = region.height;
        const context = canvas.getContext('2d');
        context.drawImage(image, region.x, region.y, region.width, region.height, 0, 0, region.width, region.height);
        const { data } = context.getImageData(0, 0, region.width, region.height);
        let count = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i] - color[0]) + Math.abs(data[i + 1] - color[1]) + Math.abs(data[i + 2] - color[2]) <= tolerance) count++;
        }
        return count;
      },
      { dataUrl: `data:image/png;base64,${png.toString('base64')}`, region, color: [r, g, b], tolerance },
    );
  }

  async screenshot(file) {
    return this.page.screenshot({ path: file });
  }
}
