// `pasta export-model --adapter <name>`: a workspace adapter and its base as a standalone folder that Hugging Face
// Optimum loads as it is (model.onnx, config.json, the tokenizer files, README.md), or as a Triton model repository.
import type { LoadedAdapter } from '../adapter/index';
import { emitModel } from '../graph/emit';
import type { Precision } from '../graph/kernels';
import type { Int8WeightBits } from '../graph/ops';
import type { TaskType } from '../graph/pastaGraph';
import { adapterDevTask } from './exportEvaluation';
import { exportModelCard } from './exportModelCard';
import { checkNewFolder, writeExportFolder, type ExportedModel, type ExportFolderOptions } from './exportFolder';
import { loadVerified, slotTokenIds } from './exportSources';
import { maxTokensPerRow } from '../project/maxLength';
import { architectureName, exportedConfig } from './hfConfig';
import { measureInt8Accuracy, type Int8Accuracy } from './int8Accuracy';
import { quantizationConfig } from './quantizationCard';
import { buildStandaloneGraph, standaloneInputNames } from './standaloneGraph';
import { tritonConfig } from './tritonConfig';

export { EXTERNAL_DATA_FILE, EXTERNAL_DATA_THRESHOLD, MODEL_FILE, type ExportedModel } from './exportFolder';

export interface ExportModelOptions extends ExportFolderOptions {
  workspaceRoot: string;
  adapter: string;
  /** The folder to create; it must not exist. */
  out: string;
  triton?: boolean;
  /** Weight bytes above which the weights go to model.onnx_data (tests lower it). */
  externalDataThreshold?: number;
  /** int8: the frozen base's Linear weights in int8, after the dev split shows what it costs. */
  quantize?: 'int8';
  /** The most dev F1 points int8 may lose (DEFAULT_MAX_F1_DROP). */
  maxF1Drop?: number;
  /** With int8: the weights' levels (DEFAULT_EXPORT_INT8_WEIGHT_BITS). */
  int8WeightBits?: Int8WeightBits;
}

/**
 * 8, as onnxruntime's quantiser. 8-bit weights can saturate onnxruntime's integer kernel on x86 CPUs without VNNI or
 * AMX (engine/int8Kernel.ts), but on the WNUT-17 tagger of the README that moved dev F1 from 32.69 to 32.78 (qemu
 * -cpu Haswell), while 7-bit weights, exact everywhere, cost that fp32-trained adapter about 8 points (24.03 against
 * fp32 32.19).
 */
export const DEFAULT_EXPORT_INT8_WEIGHT_BITS: Int8WeightBits = 8;

export interface ExportedSingleModel extends ExportedModel {
  /** With quantize int8: the dev scores of both precisions. */
  int8?: Int8Accuracy;
}

export function adapterTask(adapter: LoadedAdapter): TaskType {
  return adapter.config.task_type === 'TOKEN_CLS' ? 'token' : 'sequence';
}

export async function exportModel(options: ExportModelOptions): Promise<ExportedSingleModel> {
  checkNewFolder(options.out);
  const progress = options.onProgress ?? (() => {});
  progress('loading the adapter and its base model');
  const { adapter, base } = await loadVerified(options.workspaceRoot, options.adapter);
  const task = adapterTask(adapter);
  const int8WeightBits = options.int8WeightBits ?? DEFAULT_EXPORT_INT8_WEIGHT_BITS;
  const build = (precision: Precision) =>
    buildStandaloneGraph({
      precision,
      int8WeightBits,
      config: base.config,
      weights: base.weights,
      task,
      pastaVectors: adapter.tensors.pasta_vectors,
      classifierWeight: adapter.tensors['classifier.weight'],
      classifierBias: adapter.tensors['classifier.bias'],
      slotTokenIds: slotTokenIds(adapter, base),
      padTokenId: base.tokenizer.specialTokens.pad,
    });
  let graph = build('fp32');
  let int8: Int8Accuracy | undefined;
  if (options.quantize === 'int8') {
    progress('scoring the float32 and the int8 model on the dev split');
    const dev = await adapterDevTask(options.workspaceRoot, adapter, base);
    const quantized = build('int8');
    int8 = await measureInt8Accuracy({
      name: options.adapter,
      adapter,
      fp32Model: emitModel(graph),
      int8Model: emitModel(quantized),
      dev,
      padTokenId: base.tokenizer.specialTokens.pad,
      maxF1Drop: options.maxF1Drop,
      weightBits: int8WeightBits,
    });
    graph = quantized;
  }
  const inputNames = standaloneInputNames(base.config);
  const config = exportedConfig({ adapterName: options.adapter, adapter: adapter.config, base: base.config });
  if (int8) (config.pasta as Record<string, unknown>).quantization = quantizationConfig(int8);
  const exported = await writeExportFolder(
    {
      name: options.adapter,
      graph,
      config,
      baseDir: base.dir,
      modelCard: (modelPath, externalData) =>
        exportModelCard({
          name: options.adapter,
          adapter: adapter.config,
          architecture: architectureName(base.config.model_type, adapter.config.task_type),
          inputNames,
          modelPath,
          externalData,
          maxPositions: maxTokensPerRow(base),
          int8,
        }),
      tritonConfig: () => tritonConfig({ name: options.adapter, inputNames, task, numLabels: adapter.tensors['classifier.bias'].shape[0] }),
    },
    options,
  );
  return { ...exported, int8 };
}
