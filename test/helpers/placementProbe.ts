// Run as a child process by placement.ts: builds one PASTA graph of a model folder for the given kernels and
// opens it on the WebGPU provider with onnxruntime's verbose log, whose "Node placements" section (on stderr)
// says which provider runs each node. Usage: placementProbe.ts <modelDir> <token|sequence> <train|infer> <cpu|webgpu>
import * as ort from 'onnxruntime-node';
import { emitModel } from '../../src/core/graph/emit';
import { kernelsFor } from '../../src/core/graph/kernels';
import { buildPastaGraph, type TaskType } from '../../src/core/graph/pastaGraph';
import { loadModelFolder } from '../../src/core/model/modelFolder';

async function main(): Promise<void> {
  const [modelDir, task, mode, kernels] = process.argv.slice(2);
  const { config, weights } = await loadModelFolder(modelDir);
  const graph = buildPastaGraph({
    config,
    weights,
    task: task as TaskType,
    numLabels: 5,
    numSlots: 2,
    mode: mode as 'train' | 'infer',
    headDropout: mode === 'train',
    kernels: kernelsFor(kernels === 'webgpu' ? 'webgpu' : 'cpu'),
  });
  const session = await ort.InferenceSession.create(emitModel(graph), { executionProviders: ['webgpu'], logSeverityLevel: 0, logVerbosityLevel: 0 });
  await session.release();
}

main().catch((err: unknown) => {
  process.stderr.write(`placementProbe: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
