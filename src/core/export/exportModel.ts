// `pasta export-model --adapter <name>`: a workspace adapter and its base as a standalone folder that Hugging Face
// Optimum loads as it is (model.onnx, config.json, the tokenizer files, README.md), or as a Triton model repository.
import type { LoadedAdapter } from '../adapter/index';
import type { TaskType } from '../graph/pastaGraph';
import { exportModelCard } from './exportModelCard';
import { checkNewFolder, writeExportFolder, type ExportedModel, type ExportFolderOptions } from './exportFolder';
import { loadVerified, maxTokensPerRow, slotTokenIds } from './exportSources';
import { architectureName, exportedConfig } from './hfConfig';
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
}

export function adapterTask(adapter: LoadedAdapter): TaskType {
  return adapter.config.task_type === 'TOKEN_CLS' ? 'token' : 'sequence';
}

export async function exportModel(options: ExportModelOptions): Promise<ExportedModel> {
  checkNewFolder(options.out);
  const progress = options.onProgress ?? (() => {});
  progress('loading the adapter and its base model');
  const { adapter, base } = await loadVerified(options.workspaceRoot, options.adapter);
  const task = adapterTask(adapter);
  const graph = buildStandaloneGraph({
    config: base.config,
    weights: base.weights,
    task,
    pastaVectors: adapter.tensors.pasta_vectors,
    classifierWeight: adapter.tensors['classifier.weight'],
    classifierBias: adapter.tensors['classifier.bias'],
    slotTokenIds: slotTokenIds(adapter, base),
    padTokenId: base.tokenizer.specialTokens.pad,
  });
  const inputNames = standaloneInputNames(base.config);
  return writeExportFolder(
    {
      name: options.adapter,
      graph,
      config: exportedConfig({ adapterName: options.adapter, adapter: adapter.config, base: base.config }),
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
        }),
      tritonConfig: () => tritonConfig({ name: options.adapter, inputNames, task, numLabels: adapter.tensors['classifier.bias'].shape[0] }),
    },
    options,
  );
}
