// predict-file: what model highlighting predicts in a 2,000-word file, the way the extension does it: the whole
// file (every non-blank line a text, lineUnits), the first pass of a file just opened (the lines of its first
// screen, 50 lines, through nextPass: what the person sees highlighted first), and after one edit only the lines it touched (lineUnits over the
// edited file, then unitsTouching), through a WorkspacePredictor with the project's defaults and a freshly
// initialised adapter (values do not change the speed). Session compiled beforehand; median of `runs`. Beside them
// the encoder's MatMul FLOPs of the passes run (bench/randomModel.ts forwardFlops) and the least time they can take
// at the machine's best fp32 MatMul rate (bench/matmulPeak.ts at the whole file's mean padded length, best of 10
// before the first run and after the last: on a loaded machine it can miss the rate a short pass catches).
// The file: samples/workspace/news/*.txt in name order, a blank line between them, repeated and cut at 2,000 words.
// Usage: node --import tsx bench/predictFile.ts [model-folder] [runs]
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir } from '../src/core/model/hub/cacheDir';
import { loadModelFolder } from '../src/core/model/modelFolder';
import { loadTokenizer } from '../src/core/model/tokenizer';
import { lineUnits, unitsTouching, type TextUnit } from '../src/core/prediction/textUnits';
import { WorkspacePredictor } from '../src/core/prediction/workspacePrediction';
import { nextPass } from '../src/core/prediction/predictionOrder';
import { DEFAULT_HYPERPARAMETERS } from '../src/core/project/projectFile';
import { saveBenchAdapter } from './benchWorkspace';
import { benchDevice, benchPrecision } from './device';
import { meanPaddedLength, passesFlops, recordForwardPasses } from './forwardPasses';
import { matmulPeak } from './matmulPeak';

const WORDS = 2000;
const SCREEN_LINES = 50;
const NEWS = join(__dirname, '..', 'samples', 'workspace', 'news');

function twoThousandWords(): string {
  const files = readdirSync(NEWS)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const lines: string[] = [];
  let words = 0;
  while (words < WORDS) {
    for (const file of files) {
      for (const line of readFileSync(join(NEWS, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')) {
        const lineWords = line.split(/\s+/).filter((w) => w !== '');
        const kept = lineWords.slice(0, WORDS - words);
        if (kept.length === 0) break;
        lines.push(kept.join(' '));
        words += kept.length;
      }
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function main() {
  const modelDir = process.argv[2] || defaultModelDir();
  const runs = Number(process.argv[3] || 7);
  const threads = Number(process.env.PASTA_THREADS ?? availableParallelism());
  const text = twoThousandWords();
  const workspace = await mkdtemp(join(tmpdir(), 'pasta-bench-file-'));
  try {
    await saveBenchAdapter(workspace, modelDir, 'bench');
    const { config } = await loadModelFolder(modelDir);
    let machine = 0;
    const predictor = new WorkspacePredictor(workspace, { device: benchDevice(), threads, precision: benchPrecision() });
    const predictUnits = (source: string, units: TextUnit[]) =>
      predictor.predict(
        units.map((u) => source.slice(u.start, u.end)),
        units.map(() => 'bench'),
      );
    const compileStart = performance.now();
    await predictUnits(text, lineUnits(text).slice(0, 1));
    const compileMs = performance.now() - compileStart;

    // One edit: a word typed in the middle of the file's middle line.
    const middle = lineUnits(text)[Math.floor(lineUnits(text).length / 2)];
    const at = text.indexOf(' ', middle.start + Math.floor((middle.end - middle.start) / 2));
    const typed = ' quietly';
    const edited = text.slice(0, at) + typed + text.slice(at);
    const dirty = [{ start: at, end: at + typed.length }];

    const screen = { start: 0, end: text.split('\n').slice(0, SCREEN_LINES).join('\n').length };
    const onScreen = nextPass(lineUnits(text), [screen]);

    const visible: number[] = [];
    let visibleFlops = 0;
    const whole: number[] = [];
    const touched: number[] = [];
    let touchedLines = 0;
    const passes = recordForwardPasses();
    let wholeFlops = 0;
    let touchedFlops = 0;
    for (let i = 0; i < runs; i++) {
      passes.length = 0;
      let t0 = performance.now();
      await predictUnits(text, onScreen);
      visible.push(performance.now() - t0);
      visibleFlops = passesFlops(config, passes);
      passes.length = 0;
      t0 = performance.now();
      await predictUnits(text, lineUnits(text));
      whole.push(performance.now() - t0);
      wholeFlops = passesFlops(config, passes);
      const seq = meanPaddedLength(passes);
      passes.length = 0;
      t0 = performance.now();
      const todo = unitsTouching(lineUnits(edited), dirty);
      await predictUnits(edited, todo);
      touched.push(performance.now() - t0);
      touchedLines = todo.length;
      touchedFlops = passesFlops(config, passes);
      if (i === 0 || i === runs - 1)
        machine = Math.max(machine, (await matmulPeak(config, DEFAULT_HYPERPARAMETERS.batchSize, seq, threads, 10)).flopsPerSecond);
    }
    const floorMs = (flops: number) => Number(((flops / machine) * 1000).toFixed(1));
    const tokenizer = await loadTokenizer(modelDir);
    const common = { unit: 'ms', file: `samples/workspace/news/*.txt cut at ${WORDS} words`, words: WORDS, characters: text.length, runs };
    const device = {
      threads,
      device: predictor.device ?? 'cpu',
      precision: predictor.precision?.used ?? 'fp32',
      ...(predictor.precision?.reason ? { precision_reason: predictor.precision.reason } : {}),
    };
    console.log(
      JSON.stringify({
        bench: 'predict-file',
        case: 'whole file',
        ...common,
        lines: lineUnits(text).length,
        tokens: lineUnits(text).reduce((n, u) => n + tokenizer.encode(text.slice(u.start, u.end)).ids.length, 0),
        ms: Number(median(whole).toFixed(1)),
        best_ms: Number(Math.min(...whole).toFixed(1)),
        target_ms: 300,
        forward_gflop: Number((wholeFlops / 1e9).toFixed(2)),
        machine_gflops_per_s: Number((machine / 1e9).toFixed(2)),
        fp32_matmul_floor_ms: floorMs(wholeFlops),
        session_compile_ms: Math.round(compileMs),
        ...device,
      }),
    );
    console.log(
      JSON.stringify({
        bench: 'predict-file',
        case: `visible screen (first ${SCREEN_LINES} lines)`,
        ...common,
        lines: onScreen.length,
        ms: Number(median(visible).toFixed(1)),
        best_ms: Number(Math.min(...visible).toFixed(1)),
        forward_gflop: Number((visibleFlops / 1e9).toFixed(2)),
        fp32_matmul_floor_ms: floorMs(visibleFlops),
        ...device,
      }),
    );
    console.log(
      JSON.stringify({
        bench: 'predict-file',
        case: 'touched lines of one edit',
        ...common,
        lines: touchedLines,
        ms: Number(median(touched).toFixed(1)),
        best_ms: Number(Math.min(...touched).toFixed(1)),
        target_ms: 50,
        forward_gflop: Number((touchedFlops / 1e9).toFixed(3)),
        fp32_matmul_floor_ms: floorMs(touchedFlops),
        ...device,
      }),
    );
    await predictor.dispose();
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
