// Runs test/extension/suite.ts inside code-server's real extension host, the way @vscode/test-electron
// would in desktop VS Code, and asserts that it exits with 0.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { NOTES_TEXT } from '../extension/workspaceFixture.js';
import {
  type CodeServer,
  buildExtension,
  buildExtensionSuite,
  launchBrowser,
  makeWorkspace,
  screenshot,
  skipReason,
  startCodeServer,
  testPayload,
} from './harness.js';

test('the extension-host suite passes inside code-server', { skip: skipReason(), timeout: 180_000 }, async () => {
  await buildExtension();
  const suite = await buildExtensionSuite();
  const workspace = makeWorkspace({ 'notes.txt': NOTES_TEXT });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const t0 = Date.now();
  const mark = (what: string) => console.log(`# ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    server = await startCodeServer({ workspace, trusted: true, installExtension: false });
    mark('code-server ready');
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const log: string[] = [];
    let exit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      log.push(args.map(String).join(' '));
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    await page.goto(server.workspaceUrl(testPayload(server, suite)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the suite did not finish within 120 s')), 120_000);
    });
    const code = await Promise.race([exited, timeout])
      .catch(async (err: Error) => {
        await screenshot(page, 'extension-host-timeout');
        throw new Error(`${err.message}\n${log.join('\n')}\n${server?.output()}`);
      })
      .finally(() => clearTimeout(timer));
    mark(`suite exited with ${code}`);
    await screenshot(page, 'extension-host-suite');
    const report = log.filter((l) => /^(ok|not ok|#) /m.test(l)).join('\n');
    console.log(report);
    assert.equal(code, 0, `the extension-host suite failed:\n${log.join('\n')}`);
    assert.match(report, /# fail 0/);
  } finally {
    await browser?.close();
    await server?.stop();
    mark('stopped');
    rmSync(workspace, { recursive: true, force: true });
  }
});
