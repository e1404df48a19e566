// A file edited after it was annotated: the annotation editor shows the drift instead of applying the
// spans, and "Re-anchor" moves each span to where its text is found once nearby.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnnotationStore, sha256Text } from '../../src/core/data/annotationStore.js';
import { buildExtension, inVsCode, makeWorkspace, openFile, runFromPalette, screenshot, skipReason, waitFor, webviewFrame } from './harness.js';

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
  await inVsCode(
    workspace,
    async (page) => {
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
        [
          ['Marie Curie', AFTER.indexOf('Marie')],
          ['Paris', AFTER.indexOf('Paris')],
        ],
      );
      await frame.locator('#text mark.entity', { hasText: 'Paris' }).waitFor({ timeout: 10_000 });
      await screenshot(page, 'stale-2-reanchored');
    },
    { failureShot: 'stale-failure' },
  );
});
