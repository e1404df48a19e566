// A file edited after it was annotated: the annotation editor shows the drift instead of applying the
// spans, and "Re-anchor" moves each span to where its text is found once nearby.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { AnnotationStore, sha256Text } from '../../src/core/data/annotationStore.js';
import {
  type CodeServer,
  buildExtension,
  launchBrowser,
  makeWorkspace,
  openFile,
  runFromPalette,
  screenshot,
  skipReason,
  startCodeServer,
  waitFor,
  waitForWorkbench,
  webviewFrame,
} from './harness.js';

const BEFORE = 'Marie Curie worked in Paris.\n';
const AFTER = 'In 1906, Marie Curie worked in Paris and Warsaw.\n';

test('stale annotations are shown as such and can be re-anchored', { skip: skipReason(), timeout: 180_000 }, async () => {
  await buildExtension();
  const workspace = makeWorkspace({ 'bio.txt': BEFORE });
  const store = new AnnotationStore(workspace);
  await store.save('bio.txt', BEFORE, [
    { start: 0, end: 11, label: 'person' },
    { start: 22, end: 27, label: 'location' },
  ]);
  writeFileSync(join(workspace, 'bio.txt'), AFTER);
  const sidecar = join(workspace, '.pasta', 'annotations', 'bio.txt.json');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace, trusted: true, installExtension: true });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(server.workspaceUrl());
      await waitForWorkbench(page);
      await openFile(page, 'bio.txt');
      await runFromPalette(page, 'PASTA: Annotate Current File');
      const frame = await webviewFrame(page, '#stale:not([hidden])');
      assert.match(await frame.locator('#stale-text').innerText(), /stale: the file changed since it was annotated\. 2 span\(s\) can be re-anchored/);
      assert.equal(await frame.locator('#text mark.entity').count(), 0, 'stale spans must not be shown as if they applied');
      await screenshot(page, 'stale-1-detected');
      await frame.locator('#reanchor').click();
      const json = await waitFor('the re-anchored sidecar', () => {
        const j = JSON.parse(readFileSync(sidecar, 'utf8'));
        return j.textSha256 === sha256Text(AFTER) ? j : undefined;
      });
      assert.deepEqual(
        json.spans.map((s: { text: string; start: number }) => [s.text, s.start]),
        [['Marie Curie', AFTER.indexOf('Marie')], ['Paris', AFTER.indexOf('Paris')]],
      );
      await frame.locator('#text mark.entity', { hasText: 'Paris' }).waitFor({ timeout: 10_000 });
      await screenshot(page, 'stale-2-reanchored');
    } catch (err) {
      await screenshot(page, 'stale-failure').catch(() => undefined);
      throw err;
    }
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
});
