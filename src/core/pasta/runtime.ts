// A frozen base model plus its compiled PASTA graphs: one training step and one batched forward pass,
// with the trainable values kept in TypeScript.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { appendToWeightFile, writeWeightFile, type WeightFile } from '../engine/weightFile';
import { batchFeeds, conformFeeds, type EncodedExample } from '../engine/batch';
import type { DeviceRequest, Device } from '../engine/deviceNames';
import { int8WeightChoice, withInt8Weights, type Int8WeightChoice, type RunPrecision } from '../engine/int8Kernel';
import { createSession, SessionCreationError } from '../engine/session';
import { emitModel } from '../graph/emit';
import { kernelsFor, precisionOn, type Precision } from '../graph/kernels';
import { EncoderDropout, encoderDropoutRates, type EncoderDropoutMask } from '../graph/encoderDropout';
import type { Dim } from '../graph/ir';
import { buildPastaGraph, io, type TaskType } from '../graph/pastaGraph';
import type { EncoderConfig, WeightMap } from '../model/types';
import { collectGarbage } from '../util/collectGarbage';
import { dropoutMask, keepMask, multiply } from './dropoutMask';

/** The trainable values: per layer a [slots * hidden] block of PASTA vectors, and the classification head. */
export interface PastaParams {
  vectors: Float32Array[];
  classifierWeight: Float32Array;
  classifierBias: Float32Array;
}

export interface RuntimeOptions {
  config: EncoderConfig;
  weights: WeightMap;
  task: TaskType;
  numLabels: number;
  numSlots: number;
  padTokenId: number;
  device?: DeviceRequest;
  threads?: number;
  /** The frozen base's products; int8 where the provider has the kernels (the CPU), else fp32 with the reason. */
  precision?: Precision;
  /**
   * Train with the encoder's own dropouts as well (dropout "all"): the training graph takes a mask per site,
   * which each step draws from its Regularisation's generator.
   */
  encoderDropout?: boolean;
  /** Write onnxruntime's per-node profiles to files starting with this prefix (-train, -infer). */
  profilePrefix?: string;
  /**
   * The runtime owns `weights`: warmUp() empties the map once both sessions hold their own copies, so that the
   * checkpoint is not kept a second time in JavaScript for the rest of the run (a training job's base model).
   */
  releaseWeightsAfterWarmUp?: boolean;
  /** Called after each step of compilation (benchmarks measure memory there). */
  onPhase?: (phase: string) => void;
}

export interface StepResult {
  loss: number;
  grads: PastaParams;
}

export interface Regularisation {
  /** Dropout probability on the PASTA vectors and on the head's input (hidden_dropout_prob). */
  dropout: number;
  random: () => number;
  /** The mask dropoutMask makes from `count` draws of random(), when the generator has a faster way (SeededRandom's). */
  dropoutMask?: (count: number, keep: number) => Float32Array;
  /** A Bernoulli(keep) mask for the encoder's dropouts (SeededRandom's keepMask); else one draw of random() each. */
  keepMask?: (count: number, keep: number) => Uint8Array;
}

export function zerosLike(p: PastaParams): PastaParams {
  return {
    vectors: p.vectors.map((v) => new Float32Array(v.length)),
    classifierWeight: new Float32Array(p.classifierWeight.length),
    classifierBias: new Float32Array(p.classifierBias.length),
  };
}

export function flatten(p: PastaParams): Float32Array[] {
  return [...p.vectors, p.classifierWeight, p.classifierBias];
}

/** Normal(0, std) initialisation as nn.Embedding / BERT's _init_weights do; the head's bias starts at 0. */
export function initParams(config: EncoderConfig, numSlots: number, numLabels: number, random: () => number): PastaParams {
  const std = config.initializer_range;
  const normal = () => std * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const fill = (n: number) => Float32Array.from({ length: n }, normal);
  return {
    vectors: Array.from({ length: config.num_hidden_layers }, () => fill(numSlots * config.hidden_size)),
    classifierWeight: fill(numLabels * config.hidden_size),
    classifierBias: new Float32Array(numLabels),
  };
}

type Mode = 'train' | 'infer';

/** A graph value's shape with its symbolic dimensions given sizes. */
function concreteDims(shape: readonly Dim[], sizes: Record<string, number>): number[] {
  return shape.map((d) => {
    const size = typeof d === 'number' ? d : sizes[d];
    if (size === undefined) throw new Error(`internal: no size for the dimension "${d}"`);
    return size;
  });
}

export class PastaRuntime {
  private sessions: Partial<Record<Mode, Promise<ort.InferenceSession>>> = {};
  device?: Device;
  fallbackReason?: string;
  /** With `auto`: why no GPU was used. */
  autoReason?: string;
  /** Set once the run has started: every later session goes on the device in use, or fails. */
  private deviceHeld = false;

  constructor(readonly options: RuntimeOptions) {}

  /** The precision the base runs in on the device in use, and why it is not the one asked for (or has 7-bit weights). */
  get precision(): RunPrecision | undefined {
    return this.device && withInt8Weights(precisionOn(this.device, this.options.precision), this.int8Weights);
  }
  private int8Weights?: Int8WeightChoice;

  private compiled?: Promise<{ dir: string; weights: WeightFile }>;
  /** The training graph's encoder dropout masks, once it is built (with encoderDropout). */
  private encoderDropoutMasks: EncoderDropoutMask[] = [];
  private weightsReleased = false;

  /**
   * A private folder holding the frozen weights once, as ONNX external data that both compiled graphs
   * reference: no serialised model ever carries the weights, which keeps the peak memory of compilation low.
   */
  private compiledDir(): Promise<{ dir: string; weights: WeightFile }> {
    return (this.compiled ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pasta-graphs-'));
      const weights = await writeWeightFile(join(dir, 'weights.bin'), 'weights.bin', this.options.weights);
      this.options.onPhase?.('weight file written');
      return { dir, weights };
    })());
  }

  /**
   * From now on a session is created on the device already chosen (or, before any, the one asked for), and a
   * GPU that fails to create one throws SessionCreationError instead of handing the graph to the CPU: the
   * trainer calls this once the run has started (or when it resumes one), where a switch would be silent.
   */
  holdDevice(): void {
    this.deviceHeld = true;
  }

  private session(mode: Mode): Promise<ort.InferenceSession> {
    return (this.sessions[mode] ??= this.createSession(mode));
  }

  private async createSession(mode: Mode): Promise<ort.InferenceSession> {
    try {
      return await this.placeSession(mode);
    } catch (error) {
      if (!(error instanceof SessionCreationError) || this.deviceHeld) throw error;
      // Before the run has started, a GPU that took one graph but fails the other hands both to the CPU:
      // training and evaluation run on one device, the one reported.
      const other = this.sessions[mode === 'train' ? 'infer' : 'train'];
      this.sessions = { [mode]: this.sessions[mode] };
      if (other) await (await other.catch(() => undefined))?.release();
      this.device = 'cpu';
      this.fallbackReason = `${error.device}: ${error.message}`;
      this.autoReason = undefined;
      return this.placeSession(mode);
    }
  }

  private async placeSession(mode: Mode): Promise<ort.InferenceSession> {
    const { config, weights, task, numLabels, numSlots } = this.options;
    const { dir, weights: external } = await this.compiledDir();
    // The graph follows the provider that will run it; each device's graph is written once.
    const modelFor = async (device: Device) => {
      if (this.weightsReleased) throw new Error(`internal: the ${mode} graph is compiled after the weights were released`);
      const [kernels, precision] = [kernelsFor(device), precisionOn(device, this.options.precision).used];
      const int8WeightBits = precision === 'int8' ? (this.int8Weights ??= await int8WeightChoice()).bits : undefined;
      const encoderDropout = mode === 'train' && this.options.encoderDropout ? new EncoderDropout(encoderDropoutRates(config)) : undefined;
      const shape = { config, weights, task, numLabels, numSlots, encoderDropout };
      const graph = buildPastaGraph({ ...shape, mode, headDropout: mode === 'train', kernels, precision, int8WeightBits });
      if (encoderDropout) this.encoderDropoutMasks = encoderDropout.masks;
      const int8 = graph.initializers.filter((i) => i.value.dtype === 'int8').map((i) => i.data);
      if (int8.length > 0) await appendToWeightFile(join(dir, 'weights.bin'), external, int8);
      this.options.onPhase?.(`${mode} graph built`);
      const modelPath = join(dir, `${mode}-${device}.onnx`);
      const proto = emitModel(graph, { external });
      this.options.onPhase?.(`${mode} model serialised`);
      await writeFile(modelPath, proto);
      return modelPath;
    };
    const first = this.device === undefined;
    const created = await createSession(modelFor, {
      // The second graph goes where the first went: never one on the GPU and the other on the CPU.
      device: this.device ?? this.options.device,
      fallback: first && !this.deviceHeld,
      threads: this.options.threads,
      profilePrefix: this.options.profilePrefix && `${this.options.profilePrefix}-${mode}`,
      // On the CPU, the extended fusions make the forward-only graph slower: its Add + LayerNormalization
      // pairs become SkipLayerNormalization, whose CPU kernel took 1.3 ms where the pair takes ~0.3 (32 x 32
      // tokens, MiniLM: 121 ms a batch with 'all', 107 ms with 'basic'). The training graph keeps 'all': its
      // residual sums also feed the LayerNorm backward, so only the embeddings' pair fuses there, and the
      // level folds scalar factors into its MatMuls (measured alike or slightly faster than 'basic').
      cpuOptimizationLevel: mode === 'infer' ? 'basic' : 'all',
    });
    this.options.onPhase?.(`${mode} session created`);
    if (first) {
      this.device = created.device;
      this.fallbackReason = created.fallbackReason;
      this.autoReason = created.autoReason;
    }
    return created.session;
  }

  /**
   * Compiles both graphs now rather than at the first step (build time is then not counted as step time).
   * One after the other: each compilation briefly holds the serialised model beside the weights, so two at
   * once would double the peak memory.
   */
  async warmUp(): Promise<void> {
    await this.session('train');
    await this.session('infer');
    if (this.options.releaseWeightsAfterWarmUp) {
      this.options.weights.clear();
      // The weight file's places are keyed by the arrays themselves, which would keep them all alive.
      (await this.compiledDir()).weights.offsets.clear();
      collectGarbage();
      this.weightsReleased = true;
      this.options.onPhase?.('weights released');
    }
  }

  async trainStep(examples: EncodedExample[], params: PastaParams, reg?: Regularisation): Promise<StepResult> {
    const { config, numSlots, task } = this.options;
    const H = config.hidden_size;
    const dropout = reg !== undefined && reg.dropout > 0;
    const keep = dropout ? 1 - reg.dropout : 1;
    // Dropout on the vectors runs here, per row as the reference's per-example embedding lookup does; the
    // same masks then scale the gradient (chain rule through v * mask / keep). Plain loops over draws taken
    // in bulk: this runs for every element of every row at every step (iterator-based Float32Array.from/map
    // with a call per draw took several milliseconds a step).
    const masks = examples.map(() => params.vectors.map((v) => (dropout ? dropoutMask(v.length, keep, reg) : undefined)));
    const rows = masks.map((rowMasks) => params.vectors.map((v, l) => (rowMasks[l] ? multiply(v, rowMasks[l]!) : v)));
    const feeds = batchFeeds(examples, rows, { config, padTokenId: this.options.padTokenId, numSlots }, task);
    const [batch, seq] = feeds[io.inputIds].dims as number[];
    feeds[io.classifierWeight] = new ort.Tensor('float32', params.classifierWeight, [this.options.numLabels, H]);
    feeds[io.classifierBias] = new ort.Tensor('float32', params.classifierBias, [this.options.numLabels]);
    const headShape = task === 'token' ? [batch, seq, H] : [batch, H];
    const headSize = headShape.reduce((a, b) => a * b, 1);
    const headMask = dropout ? dropoutMask(headSize, keep, reg) : new Float32Array(headSize).fill(1);
    feeds[io.headDropoutMask] = new ort.Tensor('float32', headMask, headShape);
    const session = await this.session('train');
    for (const { input, keep } of this.encoderDropoutMasks) {
      if (!reg) throw new Error("internal: a training graph with the encoder's dropouts needs a step with a Regularisation");
      const dims = concreteDims(input.shape, { batch, sequence: seq });
      const count = dims.reduce((a, b) => a * b, 1);
      feeds[input.name] = new ort.Tensor('bool', keepMask(count, keep, reg), dims);
    }
    const out = await session.run(conformFeeds(session, feeds));
    const per = numSlots * H;
    const grads: PastaParams = {
      vectors: params.vectors.map((_, l) => {
        const g = out[io.grad(io.pastaVectors(l))].data as Float32Array;
        const sum = new Float32Array(per);
        for (let b = 0; b < batch; b++) {
          const m = masks[b][l];
          const offset = b * per;
          if (m) for (let j = 0; j < per; j++) sum[j] += g[offset + j] * m[j];
          else for (let j = 0; j < per; j++) sum[j] += g[offset + j];
        }
        return sum;
      }),
      classifierWeight: Float32Array.from(out[io.grad(io.classifierWeight)].data as Float32Array),
      classifierBias: Float32Array.from(out[io.grad(io.classifierBias)].data as Float32Array),
    };
    return { loss: Number((out[io.loss].data as Float32Array)[0]), grads };
  }

  /**
   * Probabilities for every row, each row with its own adapter parameters (label sets may differ in size:
   * heads are padded and the padding gets no probability). Returns per row [positions x its labels].
   */
  async predict(examples: EncodedExample[], paramsPerRow: PastaParams[], labelsPerRow: number[]): Promise<Float32Array[]> {
    const { config, numSlots, task } = this.options;
    const H = config.hidden_size;
    const vectors = paramsPerRow.map((p) => p.vectors);
    const feeds = batchFeeds(examples, vectors, { config, padTokenId: this.options.padTokenId, numSlots }, task);
    delete feeds[io.labels];
    const batch = examples.length;
    const seq = feeds[io.inputIds].dims[1] as number;
    const C = Math.max(...labelsPerRow);
    const weight = new Float32Array(batch * C * H);
    const bias = new Float32Array(batch * C).fill(-1e9);
    paramsPerRow.forEach((p, b) => {
      weight.set(p.classifierWeight, b * C * H);
      bias.set(p.classifierBias, b * C);
    });
    feeds[io.classifierWeight] = new ort.Tensor('float32', weight, [batch, C, H]);
    feeds[io.classifierBias] = new ort.Tensor('float32', bias, [batch, C]);
    const session = await this.session('infer');
    const out = await session.run(conformFeeds(session, feeds));
    const probs = out[io.probabilities].data as Float32Array;
    const positions = task === 'token' ? seq : 1;
    return examples.map((_, b) => {
      const n = labelsPerRow[b];
      const row = new Float32Array(positions * n);
      for (let s = 0; s < positions; s++) row.set(probs.subarray((b * positions + s) * C, (b * positions + s) * C + n), s * n);
      return row;
    });
  }

  async release(): Promise<void> {
    const sessions = Object.values(this.sessions);
    this.sessions = {};
    // A session that failed to be created has nothing to release.
    for (const s of sessions) await (await s.catch(() => undefined))?.release();
    if (this.compiled) {
      const { dir } = await this.compiled;
      this.compiled = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  }
}
