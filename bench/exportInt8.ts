// export-int8: what `pasta export-model --quantize int8` costs and gains on a trained entity adapter. Exports the
// adapter in float32 and in int8 (which scores both on the project's dev split: the F1 change), then runs the dev
// split through both model files alternately, `runs` times each (back to back, so that the machine's load falls on
// both alike), and reports the median tokens/s of each and their ratio, with the load average before and after.
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
    const int8 = await exportModel({ workspaceRoot: workspace, adapter: adapterName, out: join(dir, 'int8'), quantize: 'int8', maxF1Drop: 100 });
    const { adapter, base } = await loadVerified(workspace, adapterName);
    const dev = await adapterDevTask(workspace, adapter, base);
    const pad = base.tokenizer.specialTokens.pad;
    const rates: Record<'fp32' | 'int8', number[]> = { fp32: [], int8: [] };
    for (let r = 0; r < runs; r++) {
      for (const [precision, model] of [
        ['fp32', fp32.modelFile],
        ['int8', int8.modelFile],
      ] as const) {
        const scored = await scoreExportedModel(model, dev, pad, threads);
        rates[precision].push(scored.tokens / scored.seconds);
      }
    }
    const a = int8.int8!;
    console.log(
      JSON.stringify({
        bench: 'export-int8',
        unit: 'tokens/s',
        model: base.config.model_type,
        base: adapter.config.base_model_name_or_path,
        adapter: adapterName,
        dev_documents: a.devDocuments,
        dev_f1_fp32: Number(a.fp32.scores.f1.toFixed(4)),
        dev_f1_int8: Number(a.int8.scores.f1.toFixed(4)),
        f1_change_points: Number(a.f1Change.toFixed(2)),
        fp32_tokens_per_s: Math.round(median(rates.fp32)),
        int8_tokens_per_s: Math.round(median(rates.int8)),
        speedup: Number((median(rates.int8) / median(rates.fp32)).toFixed(2)),
        runs,
        threads: threads ?? 'onnxruntime default',
        fp32_runs: rates.fp32.map(Math.round),
        int8_runs: rates.int8.map(Math.round),
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
