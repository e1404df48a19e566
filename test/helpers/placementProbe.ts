// Run as a child process by placement.ts: builds PASTA graphs of a model folder for the given kernels and opens
// each on the WebGPU provider with onnxruntime's verbose log, whose "Node placements" section (on stderr) says
// which provider runs each node; each session's log id is its graph's name. One process serves every graph of a
// model, so the model folder and Dawn load once.
// Usage: placementProbe.ts <modelDir> <cpu|webgpu> <task>:<mode> [<task>:<mode> ...]
import * as ort from 'onnxruntime-node';
import { emitModel } from '../../src/core/graph/emit';
import { kernelsFor } from '../../src/core/graph/kernels';
import { buildPastaGraph, type TaskType } from '../../src/core/graph/pastaGraph';
import { loadModelFolder } from '../../src/core/model/modelFolder';

async function main(): Promise<void> {
  const [modelDir, kernels, ...graphs] = process.argv.slice(2);
  const { config, weights } = await loadModelFolder(modelDir);
  for (const name of graphs) {
    const [task, mode] = name.split(':') as [TaskType, 'train' | 'infer'];
    const graph = buildPastaGraph({
      config,
      weights,
      task,
      numLabels: 5,
      numSlots: 2,
      mode,
      headDropout: mode === 'train',
      kernels: kernelsFor(kernels === 'webgpu' ? 'webgpu' : 'cpu'),
    });
    const session = await ort.InferenceSession.create(emitModel(graph), {
      executionProviders: ['webgpu'],
      logSeverityLevel: 0,
      logVerbosityLevel: 0,
      logId: name,
    });
    await session.release();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`placementProbe: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
