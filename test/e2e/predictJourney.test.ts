// UI journey in a real VS Code with a real adapter: train a tiny adapter through the core (3 epochs on a copy
// of samples/workspace), open a file nobody annotated, predict it: the predictions panel opens and the editor
// shows the same predictions as dashed decorations; lines typed into the editor are predicted there, and in the
// panel once saved; accept one span (the sidecar appears on disk) and reject another (it leaves the list), then
// go on to the next most uncertain document, whose last line, far below the screen, is highlighted after the
// lines on screen.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { pastaCacheDir } from '../../src/core/model/hub/cacheDir.js';
import { trainWorkspaceAdapter } from '../../src/core/training/workspaceTraining.js';
import { REPO_ROOT, buildExtension, inVsCode, openFile, runFromPalette, screenshot, skipReason, waitFor, webviewFrame } from './harness.js';
import { defaultModelMissing, skipIfMissing } from '../helpers/requirements.js';

const MESSI = 'Lionel Messi moved to Miami with his family.\n';

const FRESH = [
  'Angela Merkel flew from Berlin to Paris on Monday.',
  'Tim Cook said Apple will open a store in London.',
  'Serena Williams trained in Madrid before the final.',
  '',
].join('\n');
/** A file longer than the screen: a sentence, 150 short lines, then fresh.txt's lines (which the adapter tags). */
const LATER = MESSI + Array.from({ length: 150 }, (_, i) => `(${i + 1})\n`).join('') + FRESH;

/** Editor elements drawn with a dashed border: prediction decorations (annotations are solid). */
function dashedDecorations(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.monaco-editor .view-lines span, .monaco-editor .view-overlays div, .monaco-editor .view-line span'))
      .filter((el) => getComputedStyle(el).borderTopStyle === 'dashed')
      .map((el) => el.textContent ?? ''),
  );
}

test(
  'predictions highlight the editor and accepting one writes the sidecar',
  { skip: skipReason() ?? skipIfMissing(defaultModelMissing()), timeout: 240_000 },
  async () => {
    const t0 = Date.now();
    const mark = (what: string) => console.log(`# ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const workspace = mkdtempSync(join(tmpdir(), 'pasta-e2e-predict-'));
    cpSync(join(REPO_ROOT, 'samples', 'workspace'), workspace, { recursive: true });
    writeFileSync(join(workspace, 'news', 'fresh.txt'), FRESH);
    writeFileSync(join(workspace, 'news', 'later.txt'), LATER);
    const sidecar = join(workspace, '.pasta', 'annotations', 'news', 'fresh.txt.json');
    const readSpans = () =>
      existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')).spans as { start: number; end: number; label: string; text: string }[]) : [];
    // code-server gets its own HOME: point the extension host at this machine's model cache.
    const savedCacheDir = process.env.PASTA_CACHE_DIR;
    process.env.PASTA_CACHE_DIR = pastaCacheDir();
    try {
      const [trained] = await Promise.all([
        trainWorkspaceAdapter({ workspaceRoot: workspace, adapterName: 'demo', overrides: { epochs: 3 } }),
        buildExtension(),
      ]);
      assert.ok(trained.adapterDir, 'training wrote no adapter');
      mark('adapter trained');
      await inVsCode(
        workspace,
        async (page, cspViolations) => {
          await openFile(page, 'news/fresh.txt');
          // Predicting the file opens the review panel and turns highlighting on in the editor.
          await runFromPalette(page, 'PASTA: Predict Entities in Current File');
          const frame = await webviewFrame(page, '#items li', 60_000);
          mark('predictions panel shown');
          const status = page.locator('.statusbar-item', { hasText: 'PASTA:' }).first();
          const highlighted = async () => Number(/(\d+) predicted/.exec(await status.innerText().catch(() => ''))?.[1] ?? NaN);
          const listed = () => frame.locator('#items li').count();
          const predicted = await waitFor(
            'the status bar to count predictions',
            async () => {
              const n = await highlighted();
              return n >= 0 ? n : undefined;
            },
            60_000,
          );
          const summary = (await status.innerText()).replace(/\s+/g, ' ');
          mark(`highlighted: ${summary}`);
          assert.match(summary, /demo/);
          assert.match(summary, /cpu/);
          assert.match(summary, /predicted \(fp32\)/, 'the status bar says which precision predicted');
          assert.ok(predicted > 0, `the adapter predicted nothing in fresh.txt: ${summary}`);
          const dashed = await waitFor('dashed prediction decorations in the editor', async () => {
            const found = await dashedDecorations(page);
            return found.length > 0 ? found : undefined;
          });
          console.log(`# decorated: ${dashed.length} elements`);
          assert.equal(await listed(), predicted, 'the panel lists what the editor highlights');
          await screenshot(page, 'predict-1-highlighted');

          // A copy of the file's lines typed at its start: the editor predicts them after the pause, as it did the
          // lines they copy; the panel, which lists the saved file, says so until the file is saved, then follows.
          await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
          await page.keyboard.press('Control+Home');
          await page.keyboard.insertText(FRESH);
          await waitFor('the typed lines to be highlighted', async () => ((await highlighted()) === 2 * predicted ? true : undefined), 60_000);
          await frame.locator('#status', { hasText: 'unsaved changes' }).waitFor({ timeout: 30_000 });
          assert.equal(await listed(), predicted, 'the panel lists the saved file');
          await screenshot(page, 'predict-1b-edited');
          await page.keyboard.press('Control+S');
          await waitFor('the panel to list the saved lines', async () => ((await listed()) === 2 * predicted ? true : undefined), 60_000);
          mark('panel followed the saved edit');
          // Take the copy out again and save: the file, the panel and the editor are as they were.
          await page.keyboard.press('Control+Home');
          for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
          await page.keyboard.press('Delete');
          await page.keyboard.press('Control+S');
          await waitFor('fresh.txt saved as it was', () => (readFileSync(join(workspace, 'news', 'fresh.txt'), 'utf8') === FRESH ? true : undefined));
          await waitFor(
            'the panel and the editor back to the file',
            async () => ((await listed()) === predicted && (await highlighted()) === predicted ? true : undefined),
            60_000,
          );
          await frame.locator('#status').waitFor({ state: 'hidden', timeout: 30_000 });
          await screenshot(page, 'predict-2-panel');
          const first = frame.locator('#items li').first();
          const item = {
            start: Number(await first.getAttribute('data-start')),
            end: Number(await first.getAttribute('data-end')),
            label: (await first.getAttribute('data-label'))!,
          };
          const count = await listed();
          await first.locator('vscode-button.accept').click();
          const spans = await waitFor('the accepted span in the sidecar', () => (readSpans().length === 1 ? readSpans() : undefined));
          assert.deepEqual(spans, [{ ...item, text: FRESH.slice(item.start, item.end) }]);
          await waitFor('the accepted span to leave the list', async () => ((await frame.locator('#items li').count()) === count - 1 ? true : undefined));

          if (count > 1) {
            const next = frame.locator('#items li').first();
            const rejected = `${await next.getAttribute('data-start')}-${await next.getAttribute('data-label')}`;
            await next.locator('vscode-button.reject').click();
            await waitFor('the rejected span to leave the list', async () => ((await frame.locator('#items li').count()) === count - 2 ? true : undefined));
            const left = await frame
              .locator('#items li')
              .evaluateAll((lis) => lis.map((li) => `${(li as HTMLElement).dataset.start}-${(li as HTMLElement).dataset.label}`));
            assert.ok(!left.includes(rejected));
            assert.equal(readSpans().length, 1, 'rejecting writes no annotation');
          }
          // Solid annotation border now where the accepted prediction was.
          await frame.locator('#summary', { hasText: '1 annotated' }).waitFor({ timeout: 10_000 });
          await screenshot(page, 'predict-3-reviewed');

          // Active learning: the only other unannotated file is the least certain one.
          await frame.locator('#next').click();
          await frame.locator('#file', { hasText: 'news/later.txt' }).waitFor({ timeout: 60_000 });
          await page.locator('.tab.active[data-resource-name="later.txt"]').waitFor({ timeout: 20_000 });
          mark('next most uncertain document opened');
          // The panel lists the whole file; the editor gets there pass by pass, the lines on screen first.
          const farDown = LATER.indexOf(FRESH);
          const starts = () => frame.locator('#items li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.start)));
          const all = await waitFor('the panel to list later.txt', async () => ((await starts()).length > 0 ? await starts() : undefined), 60_000);
          assert.ok(
            all.some((s) => s >= farDown),
            `the adapter predicted nothing in later.txt's last lines: ${all.join(', ')}`,
          );
          await waitFor(
            'the last lines, far below the screen, to be highlighted',
            async () => ((await highlighted()) === all.length ? true : undefined),
            60_000,
          );
          mark('later.txt highlighted to its last lines');
          assert.deepEqual(cspViolations, [], 'the webview must run under its CSP without violations');
          mark('done');
        },
        { failureShot: 'predict-failure' },
      );
    } finally {
      if (savedCacheDir === undefined) delete process.env.PASTA_CACHE_DIR;
      else process.env.PASTA_CACHE_DIR = savedCacheDir;
      rmSync(workspace, { recursive: true, force: true });
    }
  },
);

test('in Restricted Mode the model is not loaded and the toggle says why', { skip: skipReason(), timeout: 120_000 }, async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'pasta-e2e-predict-restricted-'));
  writeFileSync(join(workspace, 'notes.txt'), FRESH);
  await buildExtension();
  await inVsCode(
    workspace,
    async (page) => {
      await openFile(page, 'notes.txt');
      await runFromPalette(page, 'PASTA: Toggle Entity Highlighting');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'highlighting with the model' }).first();
      await toast.waitFor({ timeout: 20_000 });
      assert.match(await toast.innerText(), /highlighting with the model is disabled in Restricted Mode/);
      await runFromPalette(page, 'PASTA: Predict Entities in Current File');
      await page
        .locator('.notifications-toasts .notification-toast', { hasText: 'prediction is disabled in Restricted Mode' })
        .first()
        .waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('.tab', { hasText: 'Predictions' }).count(), 0, 'no predictions panel opens');
      assert.doesNotMatch(await page.locator('.part.statusbar').innerText(), /predicted/);
      await screenshot(page, 'predict-restricted');
    },
    { failureShot: 'predict-restricted-failure', trusted: false },
  );
});
