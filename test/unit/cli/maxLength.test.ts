// maxLength against the base model's positions, through the real `pasta` command: a row longer than the model's
// positions once ended train and predict with onnxruntime's Gather index error (exit 2). A maxLength written in
// project.json (or given as --max-length) over the limit is refused in one line naming the file, line, field, value
// and limit; the default is lowered to the limit, which training says.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadBaseModel } from '../../../src/core/project/baseModel.js';
import { maxTokensPerRow } from '../../../src/core/project/maxLength.js';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-max-length-');
const LONG_SENTENCE = Array.from({ length: 90 }, (_, i) => (i % 9 === 0 ? 'Paris' : 'the')).join(' ');

function conll(): string {
  const long = LONG_SENTENCE.split(' ').map((w) => `${w}\t${w === 'Paris' ? 'B-LOC' : 'O'}`);
  const short = ['John\tB-PER', 'lives\tO', 'in\tO', 'London\tB-LOC'];
  return `${[long, short, short, long].map((s) => s.join('\n')).join('\n\n')}\n`;
}

/** A workspace over a tiny BERT with 64 positions, its CoNLL data imported. */
function tokenWorkspace(modelDir: string, hyperparameters: Record<string, unknown>): string {
  const ws = workspace({ baseModel: modelDir, hyperparameters: { epochs: 1, batchSize: 4, threads: 1, device: 'cpu', ...hyperparameters } });
  writeFileSync(join(ws, 'data.conll'), conll());
  const imported = runPasta(['import', 'data.conll'], { cwd: ws });
  assert.equal(imported.status, 0, imported.stderr);
  return ws;
}

function refusedStride(result: { status: number | null; stderr: string }): void {
  assert.equal(result.status, 1, result.stderr);
  assert.ok(result.stderr.endsWith('error: --max-length: maxLength 16 must be more than stride (32)\n'), result.stderr);
}

function lineOf(file: string, text: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

describe('maxLength over the base model positions', () => {
  let modelDir: string;
  before(async () => {
    modelDir = (await writeTinyModel(join(workspace(), 'bert'), 'bert', { maxPositions: 64 })).dir;
  });

  it('trains and predicts a long text with the default maxLength lowered to the 64 positions, and says so', () => {
    const ws = tokenWorkspace(modelDir, {});
    const trained = runPasta(['train'], { cwd: ws });
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(
      trained.stderr,
      /\nmaxLength: the default 128 is more than the base model .+ \(bert, max_position_embeddings 64\) holds at most 64 tokens a row: rows of 64 tokens /,
    );
    const config = JSON.parse(readFileSync(join(ws, '.pasta', 'adapters', 'ner', 'adapter_config.json'), 'utf8'));
    assert.equal(config.hyperparameters.maxLength, 64);

    const predicted = runPasta(['predict', '--format', 'jsonl', '--text', `${LONG_SENTENCE} ${LONG_SENTENCE}`], { cwd: ws });
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.equal(JSON.parse(predicted.stdout).text.length, 2 * LONG_SENTENCE.length + 1);
    const evaluated = runPasta(['eval', 'data.conll'], { cwd: ws });
    assert.equal(evaluated.status, 0, evaluated.stderr);

    // The same workspace with maxLength written in project.json: predict and eval refuse it.
    const projectFile = join(ws, '.pasta', 'project.json');
    const project = JSON.parse(readFileSync(projectFile, 'utf8'));
    project.hyperparameters.maxLength = 128;
    writeFileSync(projectFile, `${JSON.stringify(project, null, 2)}\n`);
    const line = lineOf(projectFile, '"maxLength"');
    const refusal = `error: ${projectFile}:${line}: hyperparameters.maxLength is 128, more than the base model ${modelDir} (bert, max_position_embeddings 64) holds at most 64 tokens a row\n`;
    for (const args of [
      ['predict', '--text', LONG_SENTENCE],
      ['eval', 'data.conll'],
      ['train', '--name', 'again'],
    ]) {
      const refused = runPasta(args, { cwd: ws });
      assert.equal(refused.status, 1, `${args[0]}: ${refused.stderr}`);
      assert.ok(refused.stderr.endsWith(refusal), `${args[0]}: ${refused.stderr}`);
    }
  });

  it('refuses --max-length over the limit in one line', () => {
    const ws = tokenWorkspace(modelDir, {});
    const refused = runPasta(['train', '--max-length', '65'], { cwd: ws });
    assert.equal(refused.status, 1, refused.stderr);
    assert.ok(
      refused.stderr.endsWith(
        `error: --max-length: maxLength 65 is more than the base model ${modelDir} (bert, max_position_embeddings 64) holds at most 64 tokens a row\n`,
      ),
      refused.stderr,
    );
    refusedStride(runPasta(['train', '--max-length', '16'], { cwd: ws }));
    const fits = runPasta(['train', '--max-length', '64'], { cwd: ws });
    assert.equal(fits.status, 0, fits.stderr);
    assert.doesNotMatch(fits.stderr, /maxLength/);
  });

  it('counts the positions each family can give a token', async () => {
    const limits: Record<string, number> = {};
    for (const family of ['bert', 'roberta', 'xlm-roberta', 'deberta-v2', 'modernbert'] as const) {
      const dir = (await writeTinyModel(join(workspace(), family), family, { maxPositions: 64 })).dir;
      limits[family] = maxTokensPerRow(await loadBaseModel(dir, dir));
    }
    // RoBERTa and XLM-R checkpoints carry padding_idx + 1 = 2 more rows than tokens can use (66 here).
    assert.deepEqual(limits, { bert: 64, roberta: 64, 'xlm-roberta': 64, 'deberta-v2': 64, modernbert: 64 });
  });
});
