// The folder an export writes, whatever it holds: model.onnx (its weights in model.onnx_data above protobuf's
// limit), config.json, the base's tokenizer files and README.md, or the same as a Triton model repository
// (<out>/<name>/1/model.onnx and config.pbtxt beside the rest). Written to a private sibling folder first and renamed
// into place, so that an interrupted export never leaves a folder that looks complete.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../data/types';
import { writeWeightFile } from '../engine/weightFile';
import { emitModel } from '../graph/emit';
import type { Graph } from '../graph/graph';
import { TOKENIZER_FILES } from '../model/hub/hubFiles.js';
import { writeConvertedTokenizer } from './convertedTokenizer';
import type { WeightMap } from '../model/types';

/** protobuf refuses messages of 2 GiB; above this much weight data the model keeps it in ONNX external data. */
export const EXTERNAL_DATA_THRESHOLD = 2 ** 31 - 2 ** 26;
export const MODEL_FILE = 'model.onnx';
export const EXTERNAL_DATA_FILE = 'model.onnx_data';

export interface ExportedModel {
  out: string;
  /** The folder with config.json and the tokenizer: `out`, or `out/<name>` for Triton. */
  modelDir: string;
  modelFile: string;
  externalData: boolean;
  files: string[];
}

export interface ExportFolderContents {
  /** The Triton model's name (its folder in the repository). */
  name: string;
  graph: Graph;
  config: Record<string, unknown>;
  /** The base model folder, whose tokenizer files are copied. */
  baseDir: string;
  /** README.md, given where the model file lies relative to config.json and whether its weights are external. */
  modelCard: (modelPath: string, externalData: boolean) => string;
  /** config.pbtxt, written with --triton. */
  tritonConfig: () => string;
}

export interface ExportFolderOptions {
  out: string;
  triton?: boolean;
  externalDataThreshold?: number;
  onProgress?: (stage: string) => void;
}

/** Checks --out before any work: it must be new, in a folder that exists. Returns it resolved. */
export function checkNewFolder(out: string): string {
  const folder = resolve(out);
  if (existsSync(folder)) throw new InputError(folder, undefined, 'already exists; export-model writes a new folder and never overwrites one');
  if (!existsSync(dirname(folder))) throw new InputError(dirname(folder), undefined, 'does not exist; create the parent folder of --out first');
  return folder;
}

/** The graph's weights that are worth a place in external data (not the small constants). */
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

export async function writeExportFolder(contents: ExportFolderContents, options: ExportFolderOptions): Promise<ExportedModel> {
  const out = checkNewFolder(options.out);
  const progress = options.onProgress ?? (() => {});
  const staging = join(dirname(out), `.${basename(out)}.partial-${randomBytes(4).toString('hex')}`);
  const modelDir = options.triton ? join(staging, contents.name) : staging;
  const modelSubdir = options.triton ? '1' : '.';
  try {
    await mkdir(join(modelDir, modelSubdir), { recursive: true });
    progress('writing model.onnx');
    const externalData = await writeModel(contents.graph, join(modelDir, modelSubdir), options.externalDataThreshold ?? EXTERNAL_DATA_THRESHOLD);
    const files = [join(modelSubdir, MODEL_FILE), ...(externalData ? [join(modelSubdir, EXTERNAL_DATA_FILE)] : [])];
    await writeFile(join(modelDir, 'config.json'), `${JSON.stringify(contents.config, null, 2)}\n`);
    files.push('config.json');
    for (const file of TOKENIZER_FILES) {
      if (!existsSync(join(contents.baseDir, file))) continue;
      await copyFile(join(contents.baseDir, file), join(modelDir, file));
      files.push(file);
    }
    if (!files.includes('tokenizer.json')) {
      for (const file of await writeConvertedTokenizer(contents.baseDir, modelDir)) if (!files.includes(file)) files.push(file);
    }
    const modelPath = join(modelSubdir, MODEL_FILE);
    await writeFile(join(modelDir, 'README.md'), contents.modelCard(modelPath, externalData));
    files.push('README.md');
    if (options.triton) {
      await writeFile(join(modelDir, 'config.pbtxt'), contents.tritonConfig());
      files.push('config.pbtxt');
    }
    await rename(staging, out);
    const finalModelDir = options.triton ? join(out, contents.name) : out;
    return { out, modelDir: finalModelDir, modelFile: join(finalModelDir, modelPath), externalData, files: files.map((f) => join(finalModelDir, f)) };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
