// Several adapters of one base in one standalone graph: an extra input `adapter_ids` (int64 [batch]) picks, row by
// row, which adapter's PASTA vectors go into the encoder and which head reads its output, so that one batch may
// mix adapters (what LoRA servers cannot do). The adapters' tensors are stacked along a leading adapter axis:
// slots padded with zero vectors (a zero vector adds nothing), heads padded to the largest label set with zero
// weights and a bias of -inf, so a padding label's logit is -inf and gets no probability.
import { FrozenWeights, type EncoderInputs } from '../graph/encoder';
import { familyEncoder } from '../graph/familyEncoder';
import { Graph } from '../graph/graph';
import { pooledOutput, rowwiseClassifier } from '../graph/heads';
import * as ops from '../graph/ops';
import { io, type TaskType } from '../graph/pastaGraph';
import type { EncoderConfig, Float32Tensor, WeightMap } from '../model/types';
import { standaloneTokenInputs } from './standaloneGraph';

export const ADAPTER_IDS_INPUT = 'adapter_ids';

export interface AdapterParameters {
  /** [num_layers, num_slots, hidden_size] */
  pastaVectors: Float32Tensor;
  /** [num_labels, hidden_size] */
  classifierWeight: Float32Tensor;
  /** [num_labels] */
  classifierBias: Float32Tensor;
}

export interface MultiAdapterGraphOptions {
  config: EncoderConfig;
  weights: WeightMap;
  task: TaskType;
  /** In the order of their ids: adapter_ids k selects adapters[k]. */
  adapters: AdapterParameters[];
  slotTokenIds: number[];
  padTokenId: number;
}

/** The labels every row's logits have: the largest label set. */
export function paddedNumLabels(adapters: AdapterParameters[]): number {
  return Math.max(...adapters.map((a) => a.classifierBias.shape[0]));
}

/** [adapters, ...rowShape], each adapter's rows copied to the front of its block and the rest `fill`. */
function stack(blocks: { data: Float32Array; rows: number }[], rowSize: number, rowsPerBlock: number, fill: number): Float32Array {
  const out = new Float32Array(blocks.length * rowsPerBlock * rowSize).fill(fill);
  blocks.forEach((b, a) => out.set(b.data.subarray(0, b.rows * rowSize), a * rowsPerBlock * rowSize));
  return out;
}

export function buildMultiAdapterGraph(options: MultiAdapterGraphOptions): Graph {
  const { config, task, adapters } = options;
  const L = config.num_hidden_layers;
  const H = config.hidden_size;
  for (const a of adapters) {
    const [layers, , hidden] = a.pastaVectors.shape;
    if (layers !== L || hidden !== H) throw new Error(`PASTA vectors [${a.pastaVectors.shape.join(', ')}] do not fit a base with ${L} layers of ${H}`);
  }
  const numSlots = Math.max(...adapters.map((a) => a.pastaVectors.shape[1]));
  const numLabels = paddedNumLabels(adapters);
  const A = adapters.length;

  const g = new Graph(`pasta_${task}_multi_adapter`);
  const tokens = standaloneTokenInputs(g, config, { slotTokenIds: options.slotTokenIds, padTokenId: options.padTokenId, numSlots });
  const adapterIds = g.input(ADAPTER_IDS_INPUT, 'int64', ['batch']);
  const perRow = (stacked: Float32Array, name: string, shape: number[]) => ops.gather(g, g.initializer(name, 'float32', [A, ...shape], stacked), adapterIds, 0);

  const pastaVectors = Array.from({ length: L }, (_, l) => {
    const layer = adapters.map((a) => {
      const K = a.pastaVectors.shape[1];
      return { data: a.pastaVectors.data.subarray(l * K * H, (l + 1) * K * H), rows: K };
    });
    return perRow(stack(layer, H, numSlots, 0), io.pastaVectors(l), [numSlots, H]);
  });
  const inputs: EncoderInputs = { ...tokens, pastaVectors };
  const frozen = new FrozenWeights(g, options.weights);
  const { sequenceOutput } = familyEncoder(g, frozen, config, inputs);
  const features = task === 'token' ? sequenceOutput : pooledOutput(g, frozen, sequenceOutput);
  const rows = (t: Float32Tensor) => ({ data: t.data, rows: t.shape[0] });
  const weight = perRow(
    stack(
      adapters.map((a) => rows(a.classifierWeight)),
      H,
      numLabels,
      0,
    ),
    io.classifierWeight,
    [numLabels, H],
  );
  const bias = perRow(
    stack(
      adapters.map((a) => rows(a.classifierBias)),
      1,
      numLabels,
      -Infinity,
    ),
    io.classifierBias,
    [numLabels],
  );
  g.output(rowwiseClassifier(g, features, weight, bias), io.logits);
  return g;
}
