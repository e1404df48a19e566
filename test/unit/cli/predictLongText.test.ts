// `pasta predict --text` with a text of tens of kilobytes: onnxruntime's telemetry once matched its regular
// expressions against the whole command line when the first session was created, and a line over ~25 KB overflowed
// the stack (SIGSEGV). The CLI now turns that telemetry off before any session (src/core/engine/session.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { saveRandomAdapter } from '../export/exportFixture.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-long-text-');
let ws: string;
before(async () => {
  ws = workspace();
  // Positions for whole windows of the default maxLength (128): the text spans hundreds of them.
  const model = await writeTinyModel(join(ws, 'model'), 'bert', { maxPositions: 128 });
  await saveRandomAdapter(ws, 'people', model.dir, { task: 'TOKEN_CLS', labels: ['PER', 'LOC'], slots: ['[CLS]', '[SEP]'], seed: 2 }, join(ws, 'cache'));
});

test('pasta predict --text with a 60 KB text runs, where the command line once crashed onnxruntime', () => {
  const text = 'john smith lives in paris and the team went to new york today . '.repeat(960);
  assert.ok(text.length > 60_000);
  // This process loaded the engine, which set the variable: the child must set it itself.
  delete process.env.ORT_DISABLE_TELEMETRY;
  const { status, stdout, stderr } = runPasta(['predict', '--adapter', 'people', '--format', 'jsonl', '--text', text], { cwd: ws });
  assert.equal(status, 0, `exit ${status}: ${stderr}`);
  const records = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { text: string; spans: { start: number; end: number }[] });
  assert.equal(records.length, 1);
  assert.equal(records[0].text, text);
  assert.ok(records[0].spans.every((s) => s.end <= text.length));
});
