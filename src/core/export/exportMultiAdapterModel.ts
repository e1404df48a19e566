// `pasta export-model --adapters a,b,c`: several adapters of one base in one model.onnx, each row's adapter chosen
// by the input adapter_ids (its index in the list), with config.json, the tokenizer, a model card and, with
// --triton, a Triton model repository. Adapters on different bases, of different tasks or with their vectors on
// different special tokens cannot share one graph: each is refused, naming the adapter and what differs.
import { join } from 'node:path';
import { ADAPTER_CONFIG_FILE, adapterDir, loadAdapter, verifyAdapterForBase, type LoadedAdapter } from '../adapter/index';
import { InputError } from '../data/types';
import type { BaseModel } from '../project/baseModel';
import { checkNewFolder, writeExportFolder, type ExportedModel, type ExportFolderOptions } from './exportFolder';
import { multiAdapterModelCard, type ExampleBatch } from './exportMultiAdapterModelCard';
import { adapterTask } from './exportModel';
import { loadVerified, slotTokenIds } from './exportSources';
import { maxTokensPerRow } from '../project/maxLength';
import { architectureName, exportedMultiAdapterConfig } from './hfConfig';
import { ADAPTER_IDS_INPUT, buildMultiAdapterGraph, paddedNumLabels } from './multiAdapterGraph';
import { standaloneInputNames } from './standaloneGraph';
import { tritonConfig } from './tritonConfig';

export interface ExportMultiAdapterOptions extends ExportFolderOptions {
  workspaceRoot: string;
  /** adapter_ids k selects adapters[k]. */
  adapters: string[];
  /** The Triton model's name; the adapters' names joined by '_' by default. */
  name?: string;
}

const EXAMPLE_TEXTS = ['Alice flew from Paris to Berlin', 'Send the Q3 report to Bob at Acme'];

/** The example texts as the base's tokenizer encodes them, padded to one length, for the card's Triton request. */
function exampleBatch(base: BaseModel, inputNames: string[]): ExampleBatch {
  const encodings = EXAMPLE_TEXTS.map((t) => base.tokenizer.encode(t));
  const length = Math.max(...encodings.map((e) => e.ids.length));
  const pad = (values: number[], fill: number) => [...values, ...Array<number>(length - values.length).fill(fill)];
  const rows: Record<string, number[][]> = {
    input_ids: encodings.map((e) => pad(e.ids, base.tokenizer.specialTokens.pad)),
    attention_mask: encodings.map((e) =>
      pad(
        e.ids.map(() => 1),
        0,
      ),
    ),
    token_type_ids: encodings.map((e) => pad(e.typeIds, 0)),
  };
  return { texts: EXAMPLE_TEXTS, inputs: Object.fromEntries(inputNames.map((n) => [n, rows[n]])) };
}

const SHORT = (sha256: string) => (sha256.length > 19 ? `${sha256.slice(0, 19)}...` : sha256);

/** Refuses `other` where it cannot share a graph with `first`, naming what differs. */
function checkSameBase(first: { name: string; adapter: LoadedAdapter }, other: { name: string; adapter: LoadedAdapter }, slotsDiffer: boolean): void {
  const a = first.adapter.config;
  const b = other.adapter.config;
  const refuse = (problem: string): never => {
    throw new InputError(join(other.adapter.dir, ADAPTER_CONFIG_FILE), undefined, problem);
  };
  if (b.base_model_fingerprint.sha256 !== a.base_model_fingerprint.sha256) {
    const describe = (c: typeof a) => `${c.base_model_name_or_path} (weights ${SHORT(c.base_model_fingerprint.sha256)})`;
    refuse(`adapter '${other.name}' was trained on ${describe(b)}, '${first.name}' on ${describe(a)}; a multi-adapter export needs one base`);
  }
  if (b.task_type !== a.task_type) {
    refuse(`adapter '${other.name}' is ${b.task_type}, '${first.name}' is ${a.task_type}; a multi-adapter export needs one task`);
  }
  if (slotsDiffer) {
    refuse(
      `adapter '${other.name}' puts its vectors on ${b.special_token_slots.join(' ')}, '${first.name}' on ${a.special_token_slots.join(' ')}; a multi-adapter export needs the same special tokens`,
    );
  }
}

export async function exportMultiAdapterModel(options: ExportMultiAdapterOptions): Promise<ExportedModel> {
  checkNewFolder(options.out);
  const names = options.adapters;
  if (names.length === 0) throw new InputError('--adapters', undefined, 'names no adapter');
  const twice = names.find((n, k) => names.indexOf(n) !== k);
  if (twice !== undefined) throw new InputError(adapterDir(options.workspaceRoot, twice), undefined, `adapter '${twice}' is listed twice in --adapters`);
  const progress = options.onProgress ?? (() => {});
  progress('loading the adapters and their base model');
  const { adapter: firstAdapter, base } = await loadVerified(options.workspaceRoot, names[0]);
  const first = { name: names[0], adapter: firstAdapter };
  const slotIds = slotTokenIds(firstAdapter, base);
  const adapters = [first];
  for (const name of names.slice(1)) {
    const adapter = await loadAdapter(adapterDir(options.workspaceRoot, name));
    const other = { name, adapter };
    const sameBase = adapter.config.base_model_fingerprint.sha256 === firstAdapter.config.base_model_fingerprint.sha256;
    checkSameBase(first, other, sameBase && slotTokenIds(adapter, base).join() !== slotIds.join());
    verifyAdapterForBase({ config: adapter.config, name, dir: adapter.dir }, { config: base.config, fingerprint: base.fingerprint });
    adapters.push(other);
  }

  const task = adapterTask(firstAdapter);
  const parameters = adapters.map(({ adapter }) => ({
    pastaVectors: adapter.tensors.pasta_vectors,
    classifierWeight: adapter.tensors['classifier.weight'],
    classifierBias: adapter.tensors['classifier.bias'],
  }));
  const graph = buildMultiAdapterGraph({
    config: base.config,
    weights: base.weights,
    task,
    adapters: parameters,
    slotTokenIds: slotIds,
    padTokenId: base.tokenizer.specialTokens.pad,
  });
  const numLabels = paddedNumLabels(parameters);
  const inputNames = standaloneInputNames(base.config);
  const name = options.name ?? names.join('_');
  const described = adapters.map(({ name: n, adapter }) => ({ name: n, config: adapter.config }));
  return writeExportFolder(
    {
      name,
      graph,
      config: exportedMultiAdapterConfig({ adapters: described, base: base.config, numLabels, adapterIdsInput: ADAPTER_IDS_INPUT }),
      baseDir: base.dir,
      modelCard: (modelPath, externalData) =>
        multiAdapterModelCard({
          name,
          adapters: described,
          architecture: architectureName(base.config.model_type, firstAdapter.config.task_type),
          inputNames,
          adapterIdsInput: ADAPTER_IDS_INPUT,
          numLabels,
          modelPath,
          externalData,
          maxPositions: maxTokensPerRow(base),
          example: exampleBatch(base, inputNames),
        }),
      tritonConfig: () => tritonConfig({ name, inputNames, task, numLabels, adapterIdsInput: ADAPTER_IDS_INPUT }),
    },
    options,
  );
}
