// Prediction from a workspace's adapters: loads each adapter with the base it names (verified against the
// base's fingerprint and shapes), keeps one runtime per base and task, predicts spans (TOKEN_CLS adapters) and
// classifies texts or sentence pairs (SEQ_CLS adapters; a pair adapter's adapter_config.json says "text_pair": true,
// and its slot count is that of the tokenizer's pair encoding).
import type { DeviceRequest } from '../engine/deviceNames';
import type { RunPrecision } from '../engine/int8Kernel';
import type { Precision } from '../graph/kernels';
import { adapterDir, loadAdapter, verifyAdapterForBase, type LoadedAdapter } from '../adapter/index';
import { ADAPTER_CONFIG_FILE, labelsInOrder, type AdapterTaskType } from '../adapter/adapterConfig';
import { join } from 'node:path';
import { loadBaseModel, type BaseModel } from '../project/baseModel';
import { predictSpans, type PredictedSpan, type PredictorAdapter } from './predictor';
import { readProjectFile, type Hyperparameters } from '../project/projectFile';
import { fitProjectMaxLength } from '../project/maxLength';
import { prepareSequenceTask, prepareTokenTask, type DevScores } from '../pasta/tasks';
import { checkRecordLabels } from '../project/classificationData';
import { classifyTexts, type ClassifierInput, type TextClassification } from './textClassifier';
import { pairSlotTokens } from '../training/trainingRun';
import { evaluate } from '../training/trainer';
import type { WordSplit } from '../data/alignment';
import { InputError, type ClassificationRecord, type NerDocument } from '../data/types';
import { locationFromId } from '../data/validate';
import { PastaRuntime, type PastaParams } from '../pasta/runtime';

export interface ReadyAdapter {
  adapter: LoadedAdapter;
  predictor: PredictorAdapter;
  base: BaseModel;
}

/** Whether an adapter classifies sentence pairs (SEQ_CLS trained on text/text_pair records). */
export function isPairAdapter(ready: ReadyAdapter): boolean {
  return ready.adapter.config.text_pair === true;
}

function paramsOf(adapter: LoadedAdapter): PastaParams {
  const { num_layers: L, num_special_token_slots: K, hidden_size: H } = adapter.config;
  const vectors = adapter.tensors.pasta_vectors.data;
  return {
    vectors: Array.from({ length: L }, (_, l) => vectors.slice(l * K * H, (l + 1) * K * H)),
    classifierWeight: adapter.tensors['classifier.weight'].data,
    classifierBias: adapter.tensors['classifier.bias'].data,
  };
}

export class WorkspacePredictor {
  private readonly bases = new Map<string, Promise<BaseModel>>();
  private readonly runtimes = new Map<string, PastaRuntime>();
  private readonly adapters = new Map<string, Promise<ReadyAdapter>>();

  constructor(
    readonly workspaceRoot: string,
    /** precision: the frozen base's matrix products (int8 on the CPU only; fp32 by default). */
    readonly options: { device?: DeviceRequest; threads?: number; precision?: Precision } = {},
  ) {}

  private base(spec: string): Promise<BaseModel> {
    let b = this.bases.get(spec);
    if (!b) {
      b = loadBaseModel(spec, this.workspaceRoot);
      this.bases.set(spec, b);
      b.catch(() => this.bases.delete(spec));
    }
    return b;
  }

  /**
   * Loads (once) and verifies an adapter of .pasta/adapters/<name>; refuses one trained for another task than
   * `task` (TOKEN_CLS: entity spans, SEQ_CLS: one label per text).
   */
  async adapter(name: string, task: AdapterTaskType = 'TOKEN_CLS'): Promise<ReadyAdapter> {
    const ready = await this.loaded(name);
    const actual = ready.adapter.config.task_type;
    if (actual !== task) {
      const what = (t: AdapterTaskType) => (t === 'TOKEN_CLS' ? 'entity prediction (TOKEN_CLS)' : 'text classification (SEQ_CLS)');
      throw new InputError(
        join(adapterDir(this.workspaceRoot, name), ADAPTER_CONFIG_FILE),
        undefined,
        `adapter '${name}' is trained for ${what(actual)}; this needs one for ${what(task)}`,
      );
    }
    return ready;
  }

  /** The adapter's task type ("TOKEN_CLS" or "SEQ_CLS"), loading and verifying it once. */
  async taskOf(name: string): Promise<AdapterTaskType> {
    return (await this.loaded(name)).adapter.config.task_type;
  }

  private loaded(name: string): Promise<ReadyAdapter> {
    let ready = this.adapters.get(name);
    if (!ready) {
      ready = (async () => {
        const adapter = await loadAdapter(adapterDir(this.workspaceRoot, name));
        const base = await this.base(adapter.config.base_model_name_or_path);
        // A pair adapter's slots must be those of this tokenizer's pair encoding; single-text adapters always had two.
        const numSpecialTokenSlots = adapter.config.text_pair ? pairSlotTokens(base.tokenizer).length : undefined;
        verifyAdapterForBase(adapter, { config: base.config, fingerprint: base.fingerprint, numSpecialTokenSlots });
        return { adapter, base, predictor: { name, id2label: labelsInOrder(adapter.config), params: paramsOf(adapter) } };
      })();
      this.adapters.set(name, ready);
      ready.catch(() => this.adapters.delete(name));
    }
    return ready;
  }

  /** project.json's hyperparameters, with maxLength held to what `base` can take (see fitMaxLength). */
  private async hyperparameters(base: BaseModel): Promise<Hyperparameters> {
    const contents = await readProjectFile(this.workspaceRoot);
    const hp = contents.project.hyperparameters;
    return { ...hp, ...(await fitProjectMaxLength(base, contents, hp)) };
  }

  /** The adapter project.json marks active, else the only adapter there is. */
  async activeAdapterName(): Promise<string | undefined> {
    return (await readProjectFile(this.workspaceRoot)).project.activeAdapter ?? undefined;
  }

  private runtimeFor(ready: ReadyAdapter): PastaRuntime {
    const task = ready.adapter.config.task_type === 'SEQ_CLS' ? 'sequence' : 'token';
    const key = `${task}:${ready.adapter.config.num_special_token_slots}:${ready.base.dir}`;
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      runtime = new PastaRuntime({
        config: ready.base.config,
        weights: ready.base.weights,
        task,
        numLabels: ready.predictor.id2label.length,
        numSlots: ready.adapter.config.num_special_token_slots,
        padTokenId: ready.base.tokenizer.specialTokens.pad,
        device: this.options.device,
        threads: this.options.threads,
        precision: this.options.precision,
      });
      this.runtimes.set(key, runtime);
    }
    return runtime;
  }

  /** Spans for each text; `adapterNames[i]` names text i's adapter (rows of different adapters share passes). */
  async predict(texts: string[], adapterNames: string[]): Promise<PredictedSpan[][]> {
    const unique = [...new Set(adapterNames)];
    const ready = await Promise.all(unique.map((n) => this.adapter(n)));
    const baseDirs = new Set(ready.map((r) => r.base.dir));
    if (baseDirs.size > 1) {
      // Rows share a forward pass only over one base model: predict each base's texts separately.
      const out: PredictedSpan[][] = new Array(texts.length);
      for (const dir of baseDirs) {
        const idx = texts.map((_, i) => i).filter((i) => ready[unique.indexOf(adapterNames[i])].base.dir === dir);
        const part = await this.predict(
          idx.map((i) => texts[i]),
          idx.map((i) => adapterNames[i]),
        );
        idx.forEach((i, k) => (out[i] = part[k]));
      }
      return out;
    }
    const runtime = this.runtimeFor(ready[0]);
    const hp = await this.hyperparameters(ready[0].base);
    return predictSpans(
      runtime,
      ready[0].base.tokenizer,
      ready.map((r) => r.predictor),
      texts,
      { maxLength: hp.maxLength, stride: hp.stride, wordSplit: 'tokenizer', batchSize: hp.batchSize },
      adapterNames.map((n) => unique.indexOf(n)),
    );
  }

  /** Entity-level scores of an adapter on labelled documents (seqeval strict IOB2, as training reports). */
  async evaluate(docs: NerDocument[], adapterName: string, wordSplit: WordSplit): Promise<DevScores> {
    const ready = await this.adapter(adapterName, 'TOKEN_CLS');
    const entityLabels = [...new Set(ready.predictor.id2label.filter((l) => l !== 'O').map((l) => l.slice(2)))];
    const hp = await this.hyperparameters(ready.base);
    const task = prepareTokenTask(ready.base.tokenizer, entityLabels, [], docs, { maxLength: hp.maxLength, stride: hp.stride, wordSplit });
    if (task.id2label.join() !== ready.predictor.id2label.join())
      throw new Error(`adapter '${adapterName}' lists its labels in an order this version does not produce`);
    return evaluate(this.runtimeFor(ready), task, ready.predictor.params, hp.batchSize);
  }

  /** Whether adapter `name` (SEQ_CLS) classifies sentence pairs rather than single texts. */
  async classifiesPairs(name: string): Promise<boolean> {
    return isPairAdapter(await this.adapter(name, 'SEQ_CLS'));
  }

  /**
   * One label per input with its probability and distribution; `adapterNames[i]` names input i's SEQ_CLS adapter.
   * A pair adapter needs {text, textPair} inputs and a single-text adapter single texts.
   */
  async classify(texts: ClassifierInput[], adapterNames: string[]): Promise<TextClassification[]> {
    const unique = [...new Set(adapterNames)];
    const ready = await Promise.all(unique.map((n) => this.adapter(n, 'SEQ_CLS')));
    texts.forEach((input, i) => checkInputKind(ready[unique.indexOf(adapterNames[i])], typeof input !== 'string' && input.textPair !== undefined, i));
    const out = new Array<TextClassification>(texts.length);
    // Rows share a forward pass only over one base model and one slot count.
    const groupOf = (r: ReadyAdapter) => `${r.adapter.config.num_special_token_slots}:${r.base.dir}`;
    for (const group of new Set(ready.map(groupOf))) {
      const adapters = ready.filter((r) => groupOf(r) === group);
      const idx = texts.map((_, i) => i).filter((i) => groupOf(ready[unique.indexOf(adapterNames[i])]) === group);
      const hp = await this.hyperparameters(adapters[0].base);
      const part = await classifyTexts(
        this.runtimeFor(adapters[0]),
        adapters[0].base.tokenizer,
        adapters.map((r) => r.predictor),
        idx.map((i) => texts[i]),
        { maxLength: hp.maxLength, batchSize: hp.batchSize },
        idx.map((i) => adapters.findIndex((r) => r.predictor.name === adapterNames[i])),
      );
      idx.forEach((i, k) => (out[i] = part[k]));
    }
    return out;
  }

  /** Accuracy, per-label P/R/F1 and macro averages (f1 is macro-F1) of a SEQ_CLS adapter on labelled records. */
  async evaluateClassification(records: ClassificationRecord[], adapterName: string): Promise<DevScores> {
    const ready = await this.adapter(adapterName, 'SEQ_CLS');
    const labels = ready.predictor.id2label;
    for (const r of records) checkInputKind(ready, r.textPair !== undefined, locationFromId(r) ?? { file: r.id });
    checkRecordLabels(records, labels, { owner: `the classes of adapter '${adapterName}'` });
    const hp = await this.hyperparameters(ready.base);
    const task = prepareSequenceTask(ready.base.tokenizer, labels, [], records, hp.maxLength);
    return evaluate(this.runtimeFor(ready), task, ready.predictor.params, hp.batchSize);
  }

  get device(): string | undefined {
    return [...this.runtimes.values()][0]?.device;
  }

  /** The precision the base runs in, why it is not the one asked for, in int8 its weights' bits (undefined before a prediction). */
  get precision(): RunPrecision | undefined {
    return [...this.runtimes.values()][0]?.precision;
  }

  async dispose(): Promise<void> {
    for (const r of this.runtimes.values()) await r.release();
    this.runtimes.clear();
  }
}

/**
 * Refuses a single text for a pair adapter and a pair for a single-text adapter: at the record's file and line where
 * it has one, else at the adapter's config naming input `index`.
 */
function checkInputKind(ready: ReadyAdapter, isPair: boolean, at: { file: string; line?: number } | number): void {
  if (isPairAdapter(ready) === isPair) return;
  const name = ready.predictor.name;
  const kind = isPair ? 'a sentence pair' : 'a single text';
  const wants = isPair
    ? `adapter '${name}' classifies single texts; give it records without "text_pair"`
    : `adapter '${name}' classifies sentence pairs; give it records {"text", "text_pair"}`;
  if (typeof at === 'number') throw new InputError(join(ready.adapter.dir, ADAPTER_CONFIG_FILE), undefined, `input ${at + 1} is ${kind}, but ${wants}`);
  throw new InputError(at.file, at.line, `is ${kind}, but ${wants}`);
}
