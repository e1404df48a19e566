import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { adapterDir, loadAdapter, saveAdapter } from '../../../src/core/adapter/index';
import { InputError } from '../../../src/core/data/types';
import { exportModel } from '../../../src/core/export/exportModel';
import { describeInt8Accuracy, type Int8Accuracy } from '../../../src/core/export/int8Accuracy';
import { WorkspacePredictor } from '../../../src/core/prediction/workspacePrediction';
import { readProjectFile } from '../../../src/core/project/projectFile';
import { loadWorkspaceData } from '../../../src/core/project/workspaceData';
import { writeTinyModel } from '../../helpers/tinyModel';
import { onEmulatedCpu, qemuMissing } from '../../helpers/qemu';
import { skipIfMissing } from '../../helpers/requirements';
import { runPasta } from '../cli/runPasta';
import { syntheticNer } from '../pasta/tinyPasta';
import { saveRandomAdapter } from './exportFixture';
import { compareWithProduct, sampleLines } from './exportParity';

let ws: string;

/**
 * A tiny BERT workspace whose dev split is the float32 adapter's own predictions (so float32 scores ~100 F1), with
 * a head of zero bias: its label scores are near ties, so the int8 model's small differences change tags and its
 * F1 falls, on any processor.
 */
before(async () => {
  ws = await mkdtemp(join(tmpdir(), 'pasta-int8-export-'));
  const model = await writeTinyModel(join(ws, 'model'), 'bert');
  await saveRandomAdapter(ws, 'tagger', model.dir, { task: 'TOKEN_CLS', labels: ['PER', 'LOC'], slots: ['[CLS]', '[SEP]'], seed: 3 }, join(ws, 'cache'));
  const adapter = await loadAdapter(adapterDir(ws, 'tagger'));
  const bias = adapter.tensors['classifier.bias'];
  await saveAdapter(adapterDir(ws, 'tagger'), adapter.config, {
    ...adapter.tensors,
    'classifier.bias': { shape: bias.shape, data: new Float32Array(bias.data.length) },
  });

  await mkdir(join(ws, '.pasta', 'datasets'), { recursive: true });
  const jsonl = (docs: { text: string; spans: object[] }[]) => docs.map((d) => JSON.stringify({ text: d.text, spans: d.spans })).join('\n') + '\n';
  await writeFile(join(ws, '.pasta', 'datasets', 'train.jsonl'), jsonl(syntheticNer(10, 1)));
  await writeFile(
    join(ws, '.pasta', 'project.json'),
    JSON.stringify({ labels: ['PER', 'LOC'], dev: { file: 'dev.jsonl' }, hyperparameters: { maxLength: 48, stride: 8 } }),
  );
  const texts = [...syntheticNer(80, 2).map((d) => d.text), ...sampleLines()];
  const predictor = new WorkspacePredictor(ws, { device: 'cpu' });
  try {
    const predicted = await predictor.predict(
      texts,
      texts.map(() => 'tagger'),
    );
    await writeFile(
      join(ws, 'dev.jsonl'),
      jsonl(texts.map((text, i) => ({ text, spans: predicted[i].map(({ start, end, label }) => ({ start, end, label })) }))),
    );
  } finally {
    await predictor.dispose();
  }
});
after(() => rm(ws, { recursive: true, force: true }));

/** The first test's measurement: the refusals set --max-f1-drop below the drop it found. */
let measured: Int8Accuracy | undefined;
const staging = () => readdirSync(ws).filter((f) => f.includes('partial'));

describe('export-model --quantize int8', () => {
  it("scores float32 and int8 on the dev split as pasta eval does, writes the change into config.json and the card, and computes the product's int8 logits", async () => {
    const exported = await exportModel({ workspaceRoot: ws, adapter: 'tagger', out: join(ws, 'int8'), quantize: 'int8', maxF1Drop: 100 });
    const a = exported.int8!;
    measured = a;
    const predictor = new WorkspacePredictor(ws, { device: 'cpu' });
    const { dev } = await loadWorkspaceData(ws, (await readProjectFile(ws)).project);
    const evaluated = await predictor.evaluate(dev, 'tagger', 'tokenizer').finally(() => predictor.dispose());
    assert.equal(a.fp32.scores.f1, evaluated.f1, 'the float32 export scores what pasta eval scores');
    assert.ok(a.fp32.scores.f1 > 0.95, `float32 F1 ${a.fp32.scores.f1} on its own predictions`);
    assert.ok(a.int8.scores.f1 < a.fp32.scores.f1, `int8 F1 ${a.int8.scores.f1} below float32's on near ties`);
    assert.equal(a.f1Change, 100 * (a.int8.scores.f1 - a.fp32.scores.f1));
    assert.equal(a.devDocuments, 80 + sampleLines().length);

    const q = JSON.parse(readFileSync(join(exported.modelDir, 'config.json'), 'utf8')).pasta.quantization;
    assert.equal(q.op, 'com.microsoft.DynamicQuantizeMatMul');
    assert.equal(q.dev_f1_fp32, Number(a.fp32.scores.f1.toFixed(6)));
    assert.equal(q.dev_f1_int8, Number(a.int8.scores.f1.toFixed(6)));
    assert.equal(q.f1_change_points, Number(a.f1Change.toFixed(3)));
    assert.equal(q.weight_bits, 8, "onnxruntime's 8-bit weights by default");
    const card = readFileSync(join(exported.modelDir, 'README.md'), 'utf8');
    const points = (f1: number) => (100 * f1).toFixed(1);
    assert.ok(
      card.includes(`## int8\n`) &&
        card.includes(
          `dev entity micro-F1 fp32 ${points(a.fp32.scores.f1)}, int8 with 8-bit weights ${points(a.int8.scores.f1)} (${a.f1Change.toFixed(2)} points)`,
        ) &&
        card.includes('The weights use 8 bits (levels in [-127, 127])') &&
        card.includes('export with `--int8-weight-bits 7`, which cannot saturate'),
      card,
    );

    // The product's own inference graph in int8 with 8-bit weights quantises the same weights the same way.
    const parity = await compareWithProduct(ws, 'tagger', exported.modelFile, sampleLines(), undefined, 'int8', 8);
    for (const [what, p] of Object.entries(parity)) assert.ok(p.maxAbsDiff <= 1e-5 && p.maxAbsLogit > 0.5, `${what}: ${JSON.stringify(p)}`);
    // ... and not the float32 one: the int8 products are in the file.
    const float32 = await compareWithProduct(ws, 'tagger', exported.modelFile, sampleLines());
    assert.ok(float32.unoptimised.maxAbsDiff > 1e-4, `int8 logits differ from float32's (${float32.unoptimised.maxAbsDiff})`);
    const session = await ort.InferenceSession.create(exported.modelFile);
    assert.deepEqual(session.inputNames, ['input_ids', 'attention_mask', 'token_type_ids']);
    await session.release();
  });

  it('writes 8-bit weight levels (up to +-127) by default and 7-bit ones ([-64, 64]) with --int8-weight-bits 7, and says which', async () => {
    const widestLevel = (modelFile: string) => {
      const int8 = onnx.ModelProto.decode(readFileSync(modelFile)).graph!.initializer!.filter((t) => t.dataType === onnx.TensorProto.DataType.INT8);
      assert.ok(int8.length > 0, 'the model holds int8 weights');
      let widest = 0;
      for (const t of int8)
        for (const level of new Int8Array(t.rawData!.buffer, t.rawData!.byteOffset, t.rawData!.length)) widest = Math.max(widest, Math.abs(level));
      return widest;
    };
    const cli = (bits: string[], out: string) => {
      const res = runPasta(['export-model', '--adapter', 'tagger', '--out', out, '--quantize', 'int8', '--max-f1-drop', '100', ...bits], { cwd: ws });
      assert.equal(res.status, 0, res.stderr);
      return res.stdout;
    };
    const byEightDefault = cli([], 'default-bits');
    assert.match(
      byEightDefault,
      new RegExp(
        `^Exported adapter tagger in int8 with 8-bit weights to ${join(ws, 'default-bits')}\nint8: dev entity micro-F1 fp32 \\S+, int8 with 8-bit weights `,
      ),
    );
    const bySeven = cli(['--int8-weight-bits', '7'], 'seven-bits');
    assert.match(
      bySeven,
      new RegExp(
        `^Exported adapter tagger in int8 with 7-bit weights to ${join(ws, 'seven-bits')}\nint8: dev entity micro-F1 fp32 \\S+, int8 with 7-bit weights `,
      ),
    );
    // Each weight row's largest magnitude quantises to the top level: 127 with 8 bits, 64 with 7.
    assert.equal(widestLevel(join(ws, 'default-bits', 'model.onnx')), 127);
    assert.equal(widestLevel(join(ws, 'seven-bits', 'model.onnx')), 64);
    const quantization = (dir: string) => JSON.parse(readFileSync(join(ws, dir, 'config.json'), 'utf8')).pasta.quantization;
    assert.deepEqual([quantization('default-bits').weight_bits, quantization('default-bits').weight_levels], [8, [-127, 127]]);
    assert.deepEqual([quantization('seven-bits').weight_bits, quantization('seven-bits').weight_levels], [7, [-64, 64]]);
    assert.ok(
      readFileSync(join(ws, 'seven-bits', 'README.md'), 'utf8').includes(
        "The weights use 7 bits (levels in [-64, 64], scale max|W| / 64, as onnxruntime's `reduce_range`, `--int8-weight-bits 7`), which that cannot overflow",
      ),
    );
  });

  it(
    "on a CPU whose integer kernel saturates (qemu -cpu Haswell) the 7-bit export scores as here, and the default 8-bit one is written, scored with that CPU's sums",
    { skip: skipIfMissing(qemuMissing()) },
    () => {
      const haswell = { cwd: ws, prefix: onEmulatedCpu('Haswell-noTSX') };
      const export8 = (out: string, bits: string[]) =>
        runPasta(['export-model', '--adapter', 'tagger', '--out', out, '--quantize', 'int8', '--max-f1-drop', '100', ...bits], haswell);
      const seven = export8('haswell-7', ['--int8-weight-bits', '7']);
      assert.equal(seven.status, 0, seven.stderr);
      const recorded = (dir: string) => JSON.parse(readFileSync(join(ws, dir, 'config.json'), 'utf8')).pasta.quantization;
      // The same windows through exact integer sums on both CPUs: the same F1 to the digit.
      assert.equal(recorded('haswell-7').dev_f1_int8, recorded('seven-bits').dev_f1_int8);
      assert.equal(recorded('haswell-7').dev_f1_fp32, recorded('seven-bits').dev_f1_fp32);

      const eight = export8('haswell-8', []);
      assert.equal(eight.status, 0, eight.stderr);
      assert.match(eight.stdout, /^Exported adapter tagger in int8 with 8-bit weights to /);
      assert.deepEqual([recorded('haswell-8').weight_bits, recorded('haswell-8').dev_f1_fp32], [8, recorded('default-bits').dev_f1_fp32]);
      assert.ok(Number.isFinite(recorded('haswell-8').dev_f1_int8));
    },
  );

  it('refuses where int8 loses more than --max-f1-drop, with the numbers, and writes nothing; a threshold that is not a number is one line', async () => {
    assert.ok(measured, 'the first test measured the drop');
    const threshold = Math.floor(-measured.f1Change * 50) / 100;
    await assert.rejects(
      exportModel({ workspaceRoot: ws, adapter: 'tagger', out: join(ws, 'refused'), quantize: 'int8', maxF1Drop: threshold }),
      (error: Error) => {
        assert.ok(error instanceof InputError);
        assert.equal(
          error.message,
          `${join(adapterDir(ws, 'tagger'), 'adapter_config.json')}: adapter 'tagger' in int8 loses more than --max-f1-drop ${threshold} points: ${describeInt8Accuracy(measured!)}; nothing written (export in fp32, or allow a larger drop)`,
        );
        return true;
      },
    );
    assert.equal(existsSync(join(ws, 'refused')), false);
    assert.deepEqual(staging(), []);

    const quantized = ['--quantize', 'int8'];
    const cases: [string[], RegExp][] = [
      [[...quantized, '--max-f1-drop', 'one'], /^error: pasta export-model: --max-f1-drop 'one' is not a number of F1 points \(0 or more, e\.g\. 1\.5\)/],
      [[...quantized, '--max-f1-drop=-2'], /^error: pasta export-model: --max-f1-drop '-2' is not a number of F1 points/],
      [['--quantize', 'fp16'], /^error: pasta export-model: --quantize must be one of int8, not "fp16"/],
      [[...quantized, '--int8-weight-bits', '6'], /^error: pasta export-model: --int8-weight-bits must be one of 7, 8, not "6"/],
      [['--int8-weight-bits', '8'], /^error: pasta export-model: --int8-weight-bits goes with --quantize int8/],
    ];
    for (const [flags, expected] of cases) {
      const { status, stdout, stderr } = runPasta(['export-model', '--adapter', 'tagger', '--out', 'x', ...flags], { cwd: ws });
      assert.match(stderr, expected, flags.join(' '));
      assert.equal(stderr.split('\n').length, 2, 'one line');
      assert.equal(status, 1);
      assert.equal(stdout, '');
    }
    const refused = runPasta(['export-model', '--adapter', 'tagger', '--out', 'y', '--quantize', 'int8', '--max-f1-drop', String(threshold)], { cwd: ws });
    assert.equal(
      refused.stderr,
      `error: ${join(adapterDir(ws, 'tagger'), 'adapter_config.json')}: adapter 'tagger' in int8 loses more than --max-f1-drop ${threshold} points: ${describeInt8Accuracy(measured)}; nothing written (export in fp32, or allow a larger drop)\n`,
    );
    assert.equal(refused.status, 1);
    assert.equal(existsSync(join(ws, 'x')) || existsSync(join(ws, 'y')), false);
  });
});
