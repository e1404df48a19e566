// UI journey in a real VS Code: open a text file, run "PASTA: Annotate Current File" from the palette,
// select a word in the webview with the mouse, press the label's key, and find the span on disk.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildExtension,
  doubleClickWord,
  inVsCode,
  makeWorkspace,
  openFile,
  runFromPalette,
  screenshot,
  skipReason,
  waitFor,
  waitForWorkbench,
  webviewFrame,
} from './harness.js';

const TEXT = 'Ada Lovelace wrote about the engine in London.\nShe worked with Charles Babbage.\n';

test('annotating a word in the webview writes the sidecar', { skip: skipReason(), timeout: 180_000 }, async () => {
  await buildExtension();
  const workspace = makeWorkspace({ 'docs/story.txt': TEXT });
  const sidecar = join(workspace, '.pasta', 'annotations', 'docs', 'story.txt.json');
  const readSpans = () =>
    existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')).spans as { start: number; end: number; label: string; text: string }[]) : [];
  await inVsCode(
    workspace,
    async (page, cspViolations) => {
      await openFile(page, 'docs/story.txt');
      await runFromPalette(page, 'PASTA: Annotate Current File');
      const frame = await webviewFrame(page, '#text mark, #text span[data-offset]');
      await screenshot(page, 'annotate-1-opened');

      await doubleClickWord(frame, 'London');
      await page.keyboard.press('2'); // location
      const london = TEXT.indexOf('London');
      const spans = await waitFor('the sidecar with the London span', () => {
        const s = readSpans();
        return s.length === 1 ? s : undefined;
      });
      assert.deepEqual(spans, [{ start: london, end: london + 6, label: 'location', text: 'London' }]);
      await frame.locator('#text mark.entity[data-label="location"]', { hasText: 'London' }).waitFor({ timeout: 10_000 });
      await screenshot(page, 'annotate-2-labelled');

      // A partial selection snaps to the whole word; person is key 1.
      await doubleClickWord(frame, 'Babbage');
      await page.keyboard.press('1');
      await waitFor('the Babbage span', () => (readSpans().length === 2 ? true : undefined));
      assert.deepEqual(
        readSpans().map((s) => [s.text, s.label]),
        [
          ['London', 'location'],
          ['Babbage', 'person'],
        ],
      );
      // The webview redraws (and moves the caret) when the extension's update arrives: wait for it.
      await frame.locator('#text mark.entity[data-label="person"]', { hasText: 'Babbage' }).waitFor({ timeout: 10_000 });

      // The keyboard alone: caret to the start, select two words, press the key.
      await frame.locator('#text').focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Control+Shift+ArrowRight');
      await page.keyboard.press('Control+Shift+ArrowRight');
      await page.keyboard.press('1');
      await waitFor('the Ada Lovelace span', () => (readSpans().length === 3 ? true : undefined));
      assert.deepEqual(
        readSpans().map((s) => [s.text, s.label]),
        [
          ['Ada Lovelace', 'person'],
          ['London', 'location'],
          ['Babbage', 'person'],
        ],
      );
      await frame.locator('#text mark.entity', { hasText: 'Ada Lovelace' }).waitFor({ timeout: 10_000 });
      // Delete removes the entity at the caret.
      await page.keyboard.press('Delete');
      await waitFor('Delete to remove the Ada Lovelace span', () => (readSpans().length === 2 ? true : undefined));

      // Undo and redo through the webview's buttons.
      await frame.locator('#undo').click();
      await waitFor('undo to bring Ada Lovelace back', () => (readSpans().length === 3 ? true : undefined));
      await frame.locator('#redo').click();
      await waitFor('redo to remove Ada Lovelace again', () => (readSpans().length === 2 ? true : undefined));
      assert.deepEqual(
        readSpans().map((s) => s.text),
        ['London', 'Babbage'],
      );

      // Remove a span from the list.
      await frame.locator('#spans li', { hasText: 'Babbage' }).locator('vscode-button.remove').click();
      await waitFor('the Babbage span to be removed', () => (readSpans().length === 1 ? true : undefined));
      await screenshot(page, 'annotate-3-final');

      // Reloading the window revives the panel through the WebviewPanelSerializer, spans and all.
      // Reload Window shuts the workbench down properly, so the open editors are saved before the reload.
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runFromPalette(page, 'Developer: Reload Window')]);
      await waitForWorkbench(page);
      const revived = await webviewFrame(page, '#text mark.entity[data-label="location"]', 60_000);
      assert.equal(await revived.locator('#text mark.entity').count(), 1);
      assert.equal(await revived.locator('#file').innerText(), 'docs/story.txt');
      await screenshot(page, 'annotate-4-revived');
      assert.deepEqual(cspViolations, [], 'the webview must run under its CSP without violations');
    },
    { failureShot: 'annotate-failure' },
  );
});
