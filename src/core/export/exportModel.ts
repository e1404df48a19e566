// `pasta export-model`: a workspace adapter and its base as a standalone folder that Hugging Face Optimum loads as
// it is (model.onnx, config.json, the tokenizer files, README.md), or as a Triton model repository
// (<out>/<name>/1/model.onnx and config.pbtxt, the same files beside). Written to a private sibling folder first
// and renamed into place, so that an interrupted export never leaves a folder that looks complete.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ADAPTER_CONFIG_FILE, adapterDir, loadAdapter, verifyAdapterForBase, type LoadedAdapter } from '../adapter/index';
import { InputError } from '../data/types';
import { writeWeightFile } from '../engine/weightFile';
import { emitModel } from '../graph/emit';
import type { Graph } from '../graph/graph';
import type { WeightMap } from '../model/types';
import { loadBaseModel, type BaseModel } from '../project/baseModel';
import { pairSlotTokens } from '../training/trainingRun';
import { exportModelCard } from './exportModelCard';
import { TOKENIZER_FILES } from '../model/hub/hubFiles.js';
import { architectureName, exportedConfig } from './hfConfig';
import { buildStandaloneGraph, standaloneInputNames } from './standaloneGraph';
import { tritonConfig } from './tritonConfig';

/** protobuf refuses messages of 2 GiB; above this much weight data the model keeps it in ONNX external data. */
export const EXTERNAL_DATA_THRESHOLD = 2 ** 31 - 2 ** 26;
export const MODEL_FILE = 'model.onnx';
export const EXTERNAL_DATA_FILE = 'model.onnx_data';

export interface ExportModelOptions {
  workspaceRoot: string;
  adapter: string;
  /** The folder to create; it must not exist. */
  out: string;
  triton?: boolean;
  /** Weight bytes above which the weights go to model.onnx_data (tests lower it). */
  externalDataThreshold?: number;
  onProgress?: (stage: string) => void;
}

export interface ExportedModel {
  out: string;
  /** The folder with config.json and the tokenizer: `out`, or `out/<adapter>` for Triton. */
  modelDir: string;
  modelFile: string;
  externalData: boolean;
  files: string[];
}

async function loadVerified(workspaceRoot: string, name: string): Promise<{ adapter: LoadedAdapter; base: BaseModel }> {
  const adapter = await loadAdapter(adapterDir(workspaceRoot, name));
  const spec = adapter.config.base_model_name_or_path;
  let base: BaseModel;
  try {
    base = await loadBaseModel(spec, workspaceRoot);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new InputError(
      join(adapter.dir, ADAPTER_CONFIG_FILE),
      undefined,
      `adapter '${name}' needs its base model '${spec}', which cannot be loaded: ${problem}`,
    );
  }
  const numSpecialTokenSlots = adapter.config.text_pair ? pairSlotTokens(base.tokenizer).length : undefined;
  verifyAdapterForBase({ config: adapter.config, name, dir: adapter.dir }, { config: base.config, fingerprint: base.fingerprint, numSpecialTokenSlots });
  return { adapter, base };
}

function slotTokenIds(adapter: LoadedAdapter, base: BaseModel): number[] {
  const ids = new Set<number>();
  for (const token of adapter.config.special_token_slots) {
    const id = base.tokenizer.tokenToId(token);
    if (id === undefined)
      throw new InputError(join(adapter.dir, ADAPTER_CONFIG_FILE), undefined, `special token slot '${token}' is not in the base model's vocabulary`);
    ids.add(id);
  }
  return [...ids];
}

/** The graph's float32 weights that are worth a place in external data (not the small constants). */
function largeInitializers(g: Graph): WeightMap {
  const weights: WeightMap = new Map();
  for (const { value, data } of g.initializers) {
    if (data instanceof Float32Array && data.byteLength >= 1024) weights.set(value.name, { shape: value.shape as number[], data });
  }
  return weights;
}

async function writeModel(g: Graph, dir: string, threshold: number): Promise<boolean> {
  const weights = largeInitializers(g);
  let bytes = 0;
  for (const t of weights.values()) bytes += t.data.byteLength;
  if (bytes <= threshold) {
    await writeFile(join(dir, MODEL_FILE), emitModel(g));
    return false;
  }
  const external = await writeWeightFile(join(dir, EXTERNAL_DATA_FILE), EXTERNAL_DATA_FILE, weights);
  await writeFile(join(dir, MODEL_FILE), emitModel(g, { external }));
  return true;
}

/** The longest row learned absolute positions allow (RoBERTa's count from padding_idx + 1); none for other schemes. */
function maxTokensPerRow(base: BaseModel): number | undefined {
  const { model_type: family, max_position_embeddings: positions } = base.config;
  if (family === 'roberta' || family === 'xlm-roberta') return positions - base.tokenizer.specialTokens.pad - 1;
  return family === 'bert' || family === 'distilbert' || family === 'electra' ? positions : undefined;
}

export async function exportModel(options: ExportModelOptions): Promise<ExportedModel> {
  const out = resolve(options.out);
  if (existsSync(out)) throw new InputError(out, undefined, 'already exists; export-model writes a new folder and never overwrites one');
  if (!existsSync(dirname(out))) throw new InputError(dirname(out), undefined, 'does not exist; create the parent folder of --out first');
  const progress = options.onProgress ?? (() => {});

  progress('loading the adapter and its base model');
  const { adapter, base } = await loadVerified(options.workspaceRoot, options.adapter);
  const task = adapter.config.task_type === 'TOKEN_CLS' ? 'token' : 'sequence';
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

  const staging = join(dirname(out), `.${basename(out)}.partial-${randomBytes(4).toString('hex')}`);
  const modelDir = options.triton ? join(staging, options.adapter) : staging;
  const modelSubdir = options.triton ? '1' : '.';
  try {
    await mkdir(join(modelDir, modelSubdir), { recursive: true });
    progress('writing model.onnx');
    const externalData = await writeModel(graph, join(modelDir, modelSubdir), options.externalDataThreshold ?? EXTERNAL_DATA_THRESHOLD);
    const files = [join(modelSubdir, MODEL_FILE), ...(externalData ? [join(modelSubdir, EXTERNAL_DATA_FILE)] : [])];

    const config = exportedConfig({ adapterName: options.adapter, adapter: adapter.config, base: base.config });
    await writeFile(join(modelDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    files.push('config.json');
    for (const file of TOKENIZER_FILES) {
      if (!existsSync(join(base.dir, file))) continue;
      await copyFile(join(base.dir, file), join(modelDir, file));
      files.push(file);
    }
    const inputNames = standaloneInputNames(base.config);
    const modelPath = join(modelSubdir, MODEL_FILE);
    await writeFile(
      join(modelDir, 'README.md'),
      exportModelCard({
        name: options.adapter,
        adapter: adapter.config,
        architecture: architectureName(base.config.model_type, adapter.config.task_type),
        inputNames,
        modelPath,
        externalData,
        maxPositions: maxTokensPerRow(base),
      }),
    );
    files.push('README.md');
    if (options.triton) {
      const numLabels = adapter.tensors['classifier.bias'].shape[0];
      await writeFile(join(modelDir, 'config.pbtxt'), tritonConfig({ name: options.adapter, inputNames, task, numLabels }));
      files.push('config.pbtxt');
    }
    await rename(staging, out);
    const finalModelDir = options.triton ? join(out, options.adapter) : out;
    return { out, modelDir: finalModelDir, modelFile: join(finalModelDir, modelPath), externalData, files: files.map((f) => join(finalModelDir, f)) };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
