// export-int8: what `pasta export-model --quantize int8` costs and gains on a trained entity adapter. Exports the
// adapter in float32 and in int8 with 7-bit weights (the default) and with 8-bit weights (--int8-weight-bits 8), each
// int8 export scoring itself and float32 on the project's dev split (the F1 change), then runs the dev split through
// the three model files in turn, `runs` times each (back to back, so that the machine's load falls on all alike), and
// reports the median tokens/s of each and their ratios to float32, with the load average before and after.
// Usage: node --import tsx bench/exportInt8.ts <workspace> <adapter> [runs]
// e.g. a workspace whose project names WNUT-17 dev.conll as its dev file and an all-MiniLM-L6-v2 adapter trained there.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterDevTask, scoreExportedModel } from '../src/core/export/exportEvaluation';
import { exportModel } from '../src/core/export/exportModel';
import { loadVerified } from '../src/core/export/exportSources';

const [workspace, adapterName, runsArg] = process.argv.slice(2);
if (!workspace || !adapterName) {
  console.error('usage: node --import tsx bench/exportInt8.ts <workspace> <adapter> [runs]');
  process.exit(1);
}
const runs = Number(runsArg ?? 3);
const threads = process.env.PASTA_THREADS ? Number(process.env.PASTA_THREADS) : undefined;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pasta-bench-int8-'));
  try {
    const loadBefore = load();
    const fp32 = await exportModel({ workspaceRoot: workspace, adapter: adapterName, out: join(dir, 'fp32') });
    const int8 = (bits: 7 | 8) =>
      exportModel({ workspaceRoot: workspace, adapter: adapterName, out: join(dir, `int8-${bits}`), quantize: 'int8', maxF1Drop: 100, int8WeightBits: bits });
    const [int8Bits7, int8Bits8] = [await int8(7), await int8(8)];
    const { adapter, base } = await loadVerified(workspace, adapterName);
    const dev = await adapterDevTask(workspace, adapter, base);
    const pad = base.tokenizer.specialTokens.pad;
    const models = { fp32: fp32.modelFile, int8_7bit: int8Bits7.modelFile, int8_8bit: int8Bits8.modelFile };
    const rates: Record<keyof typeof models, number[]> = { fp32: [], int8_7bit: [], int8_8bit: [] };
    for (let r = 0; r < runs; r++) {
      for (const [name, model] of Object.entries(models) as [keyof typeof models, string][]) {
        const scored = await scoreExportedModel(model, dev, pad, threads);
        rates[name].push(scored.tokens / scored.seconds);
      }
    }
    const [a7, a8] = [int8Bits7.int8!, int8Bits8.int8!];
    const f1 = (x: number) => Number((100 * x).toFixed(2));
    console.log(
      JSON.stringify({
        bench: 'export-int8',
        unit: 'tokens/s',
        model: base.config.model_type,
        base: adapter.config.base_model_name_or_path,
        adapter: adapterName,
        dev_documents: a7.devDocuments,
        dev_f1_fp32: f1(a7.fp32.scores.f1),
        dev_f1_int8_7bit: f1(a7.int8.scores.f1),
        dev_f1_int8_8bit: f1(a8.int8.scores.f1),
        f1_change_points_7bit: Number(a7.f1Change.toFixed(2)),
        f1_change_points_8bit: Number(a8.f1Change.toFixed(2)),
        fp32_tokens_per_s: Math.round(median(rates.fp32)),
        int8_7bit_tokens_per_s: Math.round(median(rates.int8_7bit)),
        int8_8bit_tokens_per_s: Math.round(median(rates.int8_8bit)),
        speedup_7bit: Number((median(rates.int8_7bit) / median(rates.fp32)).toFixed(2)),
        speedup_8bit: Number((median(rates.int8_8bit) / median(rates.fp32)).toFixed(2)),
        runs,
        threads: threads ?? 'onnxruntime default',
        runs_tokens_per_s: Object.fromEntries(Object.entries(rates).map(([name, xs]) => [name, xs.map(Math.round)])),
        load_before: loadBefore,
        load_after: load(),
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
