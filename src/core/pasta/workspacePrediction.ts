// Prediction from a workspace's adapters: loads each adapter with the base it names (verified against the
// base's fingerprint and shapes), keeps one runtime per base, and predicts spans for any texts.
import type { DeviceRequest } from '../engine/device';
import { adapterDir, loadAdapter, verifyAdapterForBase, type LoadedAdapter } from './adapter';
import { labelsInOrder } from './adapterConfig';
import { loadBaseModel, type BaseModel } from './baseModel';
import { predictSpans, type PredictedSpan, type PredictorAdapter } from './predictor';
import { readProjectFile } from './projectFile';
import { prepareTokenTask, type DevScores } from './tasks';
import { evaluate } from './trainer';
import type { WordSplit } from '../data/alignment';
import type { NerDocument } from '../data/types';
import { PastaRuntime, type PastaParams } from './runtime';

export interface ReadyAdapter {
  adapter: LoadedAdapter;
  predictor: PredictorAdapter;
  base: BaseModel;
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
    readonly options: { device?: DeviceRequest; threads?: number } = {},
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

  /** Loads (once) and verifies an adapter of .pasta/adapters/<name>. */
  adapter(name: string): Promise<ReadyAdapter> {
    let ready = this.adapters.get(name);
    if (!ready) {
      ready = (async () => {
        const adapter = await loadAdapter(adapterDir(this.workspaceRoot, name));
        if (adapter.config.task_type !== 'TOKEN_CLS') throw new Error(`adapter '${name}' classifies texts; entity prediction needs a TOKEN_CLS adapter`);
        const base = await this.base(adapter.config.base_model_name_or_path);
        verifyAdapterForBase(adapter, { config: base.config, fingerprint: base.fingerprint });
        return { adapter, base, predictor: { name, id2label: labelsInOrder(adapter.config), params: paramsOf(adapter) } };
      })();
      this.adapters.set(name, ready);
      ready.catch(() => this.adapters.delete(name));
    }
    return ready;
  }

  /** The adapter project.json marks active, else the only adapter there is. */
  async activeAdapterName(): Promise<string | undefined> {
    return (await readProjectFile(this.workspaceRoot)).project.activeAdapter ?? undefined;
  }

  private runtimeFor(ready: ReadyAdapter): PastaRuntime {
    const key = ready.base.dir;
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      runtime = new PastaRuntime({
        config: ready.base.config,
        weights: ready.base.weights,
        task: 'token',
        numLabels: ready.predictor.id2label.length,
        numSlots: ready.adapter.config.num_special_token_slots,
        padTokenId: ready.base.tokenizer.specialTokens.pad,
        device: this.options.device,
        threads: this.options.threads,
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
        const part = await this.predict(idx.map((i) => texts[i]), idx.map((i) => adapterNames[i]));
        idx.forEach((i, k) => (out[i] = part[k]));
      }
      return out;
    }
    const runtime = this.runtimeFor(ready[0]);
    const hp = (await readProjectFile(this.workspaceRoot)).project.hyperparameters;
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
    const ready = await this.adapter(adapterName);
    const entityLabels = [...new Set(ready.predictor.id2label.filter((l) => l !== 'O').map((l) => l.slice(2)))];
    const hp = (await readProjectFile(this.workspaceRoot)).project.hyperparameters;
    const task = prepareTokenTask(ready.base.tokenizer, entityLabels, [], docs, { maxLength: hp.maxLength, stride: hp.stride, wordSplit });
    if (task.id2label.join() !== ready.predictor.id2label.join()) throw new Error(`adapter '${adapterName}' lists its labels in an order this version does not produce`);
    return evaluate(this.runtimeFor(ready), task, ready.predictor.params, hp.batchSize);
  }

  get device(): string | undefined {
    return [...this.runtimes.values()][0]?.device;
  }

  async dispose(): Promise<void> {
    for (const r of this.runtimes.values()) await r.release();
    this.runtimes.clear();
  }
}
