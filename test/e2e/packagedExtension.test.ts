// The package itself: the VSIX built with the README's command (`npx vsce package --target <this machine>`),
// installed into a fresh code-server with --install-extension, and one journey against what was installed
// (annotate a word, train one epoch, predict a file), so that a file the package lacks fails here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { pastaCacheDir } from '../../src/core/model/hub/cacheDir.js';
import { defaultModelMissing, skipIfMissing } from '../helpers/requirements.js';
import { REPO_ROOT, doubleClickWord, inVsCode, openFile, runFromPalette, skipReason, waitFor, webviewFrame } from './harness.js';

const TARGET = `${process.platform}-${process.arch}`;
const skip = skipReason() ?? skipIfMissing(defaultModelMissing());

/** Answers the quick input whose title has `step` with its default (Enter). */
async function acceptDefault(page: Page, step: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: step }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await widget.locator('.quick-input-title', { hasText: step }).waitFor({ state: 'hidden', timeout: 10_000 });
}

test(`the ${TARGET} VSIX installs into VS Code and annotates, trains and predicts`, { skip, timeout: 420_000 }, async () => {
  const t0 = Date.now();
  const mark = (what: string) => console.log(`# ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const out = mkdtempSync(join(tmpdir(), 'pasta-e2e-vsix-'));
  const vsix = join(out, `pasta-studio-${TARGET}.vsix`);
  execFileSync('npx', ['--no-install', 'vsce', 'package', '--target', TARGET, '--out', vsix], { cwd: REPO_ROOT, stdio: 'pipe' });
  mark('VSIX built');

  const workspace = mkdtempSync(join(tmpdir(), 'pasta-e2e-packaged-'));
  cpSync(join(REPO_ROOT, 'samples', 'workspace'), workspace, { recursive: true });
  const projectFile = join(workspace, '.pasta', 'project.json');
  const project = JSON.parse(readFileSync(projectFile, 'utf8'));
  writeFileSync(projectFile, `${JSON.stringify({ ...project, hyperparameters: { ...project.hyperparameters, epochs: 1, threads: 1 } }, null, 2)}\n`);
  writeFileSync(join(workspace, 'news', 'fresh.txt'), 'Angela Merkel flew from Berlin to Paris on Monday.\n');
  const sidecar = join(workspace, '.pasta', 'annotations', 'news', 'fresh.txt.json');
  const config = join(workspace, '.pasta', 'adapters', 'ner', 'adapter_config.json');
  // code-server runs with a temporary HOME: point the engine at the real model cache.
  process.env.PASTA_CACHE_DIR ??= pastaCacheDir();
  try {
    await inVsCode(
      workspace,
      async (page) => {
        mark('workbench loaded');
        await openFile(page, 'news/fresh.txt');
        await runFromPalette(page, 'PASTA: Annotate Current File');
        const annotate = await webviewFrame(page, '#text mark, #text span[data-offset]');
        await doubleClickWord(annotate, 'Berlin');
        await page.keyboard.press('2'); // location
        const spans = await waitFor('the sidecar with the Berlin span', () =>
          existsSync(sidecar) ? JSON.parse(readFileSync(sidecar, 'utf8')).spans : undefined,
        );
        assert.deepEqual(
          spans.map((s: { text: string; label: string }) => [s.text, s.label]),
          [['Berlin', 'location']],
        );
        mark('annotated');

        await runFromPalette(page, 'PASTA: Train Adapter');
        await acceptDefault(page, '(1/3): task');
        await acceptDefault(page, '(2/3): base model');
        await acceptDefault(page, '(3/3): adapter name');
        await webviewFrame(page, 'canvas#loss-chart');
        const adapter = await waitFor(
          'the adapter with its dev metrics',
          () => {
            if (!existsSync(config)) return undefined;
            const json = JSON.parse(readFileSync(config, 'utf8'));
            return json.metrics?.dev?.overall ? json : undefined;
          },
          180_000,
        );
        assert.equal(adapter.metrics.epochs_run, 1);
        mark('trained one epoch');

        await openFile(page, 'news/fresh.txt');
        await runFromPalette(page, 'PASTA: Predict Entities in Current File');
        const predictions = await webviewFrame(page, '#items');
        await predictions.locator('#file', { hasText: 'fresh.txt' }).waitFor({ timeout: 60_000 });
        await page
          .locator('.statusbar-item', { hasText: /\d+ predicted/ })
          .first()
          .waitFor({ timeout: 60_000 });
        mark('predicted');
      },
      { failureShot: 'packaged-failed', vsix },
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
