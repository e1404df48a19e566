// UI journeys in a real VS Code: "PASTA: Train Adapter" from the palette on a copy of the sample workspace, the
// progress notification, the dashboard's charts, the adapter on disk; cancelling from the notification and from the
// dashboard's Stop button.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { pastaCacheDir } from '../../src/core/model/hub/cacheDir.js';
import { REPO_ROOT, buildExtension, inVsCode, runFromPalette, screenshot, skipReason, waitFor, waitForWorkbench, webviewFrame } from './harness.js';
import { defaultModelMissing, skipIfMissing } from '../helpers/requirements.js';

const skip = skipReason() ?? skipIfMissing(defaultModelMissing());

/** A copy of samples/workspace whose project trains for `epochs` epochs. */
function sampleWorkspace(epochs: number, git = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'pasta-e2e-train-'));
  cpSync(join(REPO_ROOT, 'samples', 'workspace'), dir, { recursive: true });
  if (git) execFileSync('git', ['init', '--quiet'], { cwd: dir });
  const projectFile = join(dir, '.pasta', 'project.json');
  const project = JSON.parse(readFileSync(projectFile, 'utf8'));
  writeFileSync(projectFile, `${JSON.stringify({ ...project, hyperparameters: { ...project.hyperparameters, epochs, threads: 1 } }, null, 2)}\n`);
  return dir;
}

/** Answers the quick input whose title has `step` with its default (Enter). */
async function acceptDefault(page: Page, step: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: step }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await widget.locator('.quick-input-title', { hasText: step }).waitFor({ state: 'hidden', timeout: 10_000 });
}

async function trainWithDefaults(page: Page): Promise<void> {
  await runFromPalette(page, 'PASTA: Train Adapter');
  await acceptDefault(page, '(1/3): task');
  await acceptDefault(page, '(2/3): base model');
  await acceptDefault(page, '(3/3): adapter name');
}

const toast = (page: Page, text: string) => page.locator('.notification-toast', { hasText: text }).first();

async function withVsCode(workspace: string, journey: (page: Page, cspViolations: string[]) => Promise<void>, failureShot: string): Promise<void> {
  await buildExtension();
  // code-server runs with a temporary HOME: point the engine at the real model cache.
  process.env.PASTA_CACHE_DIR ??= pastaCacheDir();
  await inVsCode(workspace, journey, { failureShot });
}

test('training from the palette shows progress and the dashboard, and writes the adapter', { skip, timeout: 150_000 }, async () => {
  const workspace = sampleWorkspace(2, true);
  const config = join(workspace, '.pasta', 'adapters', 'ner', 'adapter_config.json');
  await withVsCode(
    workspace,
    async (page, cspViolations) => {
      await trainWithDefaults(page);
      await toast(page, 'PASTA: training ner').waitFor({ timeout: 20_000 });
      const dashboard = await webviewFrame(page, 'canvas#loss-chart');
      await dashboard.locator('#status', { hasText: 'training' }).waitFor({ timeout: 20_000 });
      // Loss, epoch and ETA in the notification while it trains.
      await toast(page, 'PASTA: training ner: epoch').waitFor({ timeout: 60_000 });
      assert.match(await toast(page, 'PASTA: training ner').innerText(), /epoch \d · step \d+\/\d+ · loss \d\.\d{4} · ETA \d+ s/);
      await screenshot(page, 'train-1-progress');

      const adapter = await waitFor(
        'adapter_config.json with dev metrics',
        () => {
          if (!existsSync(config)) return undefined;
          const json = JSON.parse(readFileSync(config, 'utf8'));
          return json.metrics?.dev?.overall ? json : undefined;
        },
        90_000,
      );
      assert.equal(adapter.peft_type, 'PASTA');
      assert.equal(adapter.task_type, 'TOKEN_CLS');
      assert.equal(adapter.metrics.epochs_run, 2);
      assert.equal(typeof adapter.metrics.dev.overall.f1, 'number');
      assert.ok(existsSync(join(workspace, '.pasta', 'adapters', 'ner', 'adapter_model.safetensors')));

      await toast(page, 'adapter ner trained on cpu').waitFor({ timeout: 20_000 });
      assert.ok(!existsSync(join(workspace, '.pasta', 'checkpoints', 'ner')), 'checkpoints go once the adapter is written');
      await dashboard.locator('#status', { hasText: 'finished' }).waitFor({ timeout: 10_000 });
      assert.equal(await dashboard.locator('#latest table.scores tbody tr').count(), 7, 'six labels and the micro average');
      assert.match(await dashboard.locator('#best-title').innerText(), /Best epoch \(\d\)/);
      const chartSize = await dashboard.locator('canvas#f1-chart').evaluate((c: HTMLCanvasElement) => c.width * c.height);
      assert.ok(chartSize > 0, 'the F1 chart has been drawn');
      await page.locator('.statusbar-item', { hasText: 'PASTA: ner · cpu' }).first().waitFor({ timeout: 10_000 });
      await screenshot(page, 'train-2-finished');
      await toast(page, 'adapter ner trained on cpu').locator('.monaco-button', { hasText: 'Highlight entities with it' }).click();
      await page.locator('.statusbar-item', { hasText: 'model highlighting on' }).first().waitFor({ timeout: 10_000 });

      // Packaging: the model card is written and, in a git repository, the folder is staged on request. The pick
      // stays open while focus goes back to the dashboard (a webview takes focus asynchronously, often after the
      // pick has opened): a click into the dashboard stands for that.
      await runFromPalette(page, 'PASTA: Package Adapter into Repository');
      const pick = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: 'Package Adapter' }) });
      await pick.waitFor({ timeout: 30_000 });
      await dashboard.locator('canvas#loss-chart').click();
      await waitFor('focus in the dashboard', () => page.evaluate(() => (document.activeElement?.tagName === 'IFRAME' ? true : undefined)));
      assert.ok(await pick.isVisible(), 'the Package Adapter pick closed when the dashboard took focus');
      await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'ner' }).first().click();
      const offer = toast(page, 'ner is ready to commit');
      await offer.waitFor({ timeout: 20_000 });
      assert.match(await offer.innerText(), /\d+(\.\d)? KB in \.pasta\/adapters\/ner/);
      await offer.locator('.monaco-button', { hasText: 'Stage with git add' }).click();
      await toast(page, '.pasta/adapters/ner staged').waitFor({ timeout: 20_000 });
      const card = readFileSync(join(workspace, '.pasta', 'adapters', 'ner', 'README.md'), 'utf8');
      assert.match(card, /^# ner\n/);
      assert.match(card, /`person`, `location`, `corporation`, `product`, `creative-work`, `group`/);
      assert.match(card, /npx pasta predict --adapter ner/);
      const staged = execFileSync('git', ['status', '--porcelain'], { cwd: workspace, encoding: 'utf8' });
      assert.deepEqual(
        staged
          .split('\n')
          .filter((l) => l.startsWith('A '))
          .sort(),
        ['A  .pasta/adapters/ner/README.md', 'A  .pasta/adapters/ner/adapter_config.json', 'A  .pasta/adapters/ner/adapter_model.safetensors'],
      );
      assert.equal(execFileSync('git', ['rev-list', '--all', '--count'], { cwd: workspace, encoding: 'utf8' }).trim(), '0', 'nothing is committed');

      // The finished run's dashboard comes back after a reload, from its own state.
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runFromPalette(page, 'Developer: Reload Window')]);
      await waitForWorkbench(page);
      const revived = await webviewFrame(page, '#latest table.scores', 60_000);
      assert.equal(await revived.locator('#title').innerText(), 'Training ner');
      assert.equal(await revived.locator('#status').innerText(), 'finished');
      await screenshot(page, 'train-3-revived');
      assert.deepEqual(cspViolations, [], 'the webviews run under their CSP without violations');
    },
    'train-failure',
  );
});

test('cancelling from the notification keeps the checkpoint, writes no adapter and offers to resume', { skip, timeout: 150_000 }, async () => {
  const workspace = sampleWorkspace(40);
  const checkpoint = join(workspace, '.pasta', 'checkpoints', 'ner', 'checkpoint.safetensors');
  await withVsCode(
    workspace,
    async (page) => {
      await trainWithDefaults(page);
      const progress = toast(page, 'PASTA: training ner');
      await progress.waitFor({ timeout: 20_000 });
      await webviewFrame(page, 'canvas#loss-chart');
      // Closing the dashboard never stops training.
      await runFromPalette(page, 'View: Close All Editors');
      await waitFor('the first epoch checkpoint', () => (existsSync(checkpoint) ? true : undefined), 60_000);
      await progress.hover();
      await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await toast(page, 'training of ner was cancelled').waitFor({ timeout: 30_000 });
      assert.ok(existsSync(checkpoint), 'the last epoch checkpoint stays');
      assert.ok(!existsSync(join(workspace, '.pasta', 'adapters', 'ner')), 'no adapter folder');
      // With no run in progress, the dashboard shows the last one.
      await runFromPalette(page, 'PASTA: Show Training Dashboard');
      const dashboard = await webviewFrame(page, '#latest table.scores');
      await dashboard.locator('#status', { hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
      await screenshot(page, 'train-4-cancelled');

      // Training the same adapter again offers to resume from the checkpoint.
      await trainWithDefaults(page);
      const resume = page.locator('.quick-input-widget');
      await resume.locator('.quick-input-title', { hasText: 'ner has a checkpoint' }).waitFor({ timeout: 15_000 });
      await resume.locator('.quick-input-list .monaco-list-row', { hasText: 'Resume' }).first().waitFor({ timeout: 5_000 });
      await screenshot(page, 'train-5-resume-offered');
      await page.keyboard.press('Escape');
    },
    'train-cancel-failure',
  );
});

test("the dashboard's Stop button stops training after the current step and keeps the checkpoint", { skip, timeout: 150_000 }, async () => {
  const workspace = sampleWorkspace(40);
  const checkpoint = join(workspace, '.pasta', 'checkpoints', 'ner', 'checkpoint.safetensors');
  await withVsCode(
    workspace,
    async (page) => {
      await trainWithDefaults(page);
      const dashboard = await webviewFrame(page, 'canvas#loss-chart');
      await waitFor('the first epoch checkpoint', () => (existsSync(checkpoint) ? true : undefined), 60_000);
      const stop = dashboard.locator('#cancel');
      await stop.waitFor({ state: 'visible', timeout: 10_000 });
      await stop.click();
      await toast(page, 'training of ner was cancelled').waitFor({ timeout: 30_000 });
      await dashboard.locator('#status', { hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
      await stop.waitFor({ state: 'hidden', timeout: 5_000 });
      assert.ok(existsSync(checkpoint), 'the last epoch checkpoint stays');
      assert.ok(!existsSync(join(workspace, '.pasta', 'adapters', 'ner')), 'no adapter folder');
      await screenshot(page, 'train-6-stopped-from-dashboard');
    },
    'train-stop-failure',
  );
});
