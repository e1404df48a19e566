// In Restricted Mode the training command refuses with a clear message. code-server runs here WITHOUT
// --disable-workspace-trust; the user settings enable trust and never prompt, so the fresh workspace is
// never trusted during the session.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  type CodeServer,
  buildExtension,
  launchBrowser,
  makeWorkspace,
  runFromPalette,
  screenshot,
  skipReason,
  startCodeServer,
  waitForWorkbench,
} from './harness.js';

test('an untrusted workspace refuses to train', { skip: skipReason(), timeout: 180_000 }, async () => {
  await buildExtension();
  const workspace = makeWorkspace({ 'notes.txt': 'Linus Torvalds lives in Portland.\n' });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace, trusted: false, installExtension: true });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(server.workspaceUrl());
      await waitForWorkbench(page);
      // The status bar says so too, once the extension has activated.
      await page.locator('.part.statusbar', { hasText: 'PASTA: no adapter' }).waitFor({ timeout: 60_000 });
      assert.match((await page.locator('.part.statusbar').innerText()).replace(/\s+/g, ' '), /PASTA: no adapter · auto restricted/);
      await runFromPalette(page, 'PASTA: Train Adapter');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'disabled in Restricted Mode' });
      await toast.waitFor({ timeout: 20_000 });
      // The screenshot once the toast has finished sliding in.
      await toast.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
      assert.match(await toast.innerText(), /PASTA: training is disabled in Restricted Mode\. Trust this workspace/);
      await screenshot(page, 'untrusted-train-refused');
    } catch (err) {
      await screenshot(page, 'untrusted-failure').catch(() => undefined);
      throw err;
    }
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
});
