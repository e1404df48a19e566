// Assembles the PASTA model graphs: a training graph (loss, logits and the gradients of the vectors and
// the head; never any weight gradient) and an inference graph (logits and probabilities).
import type { EncoderConfig, WeightMap } from '../model/types';
import { gradients } from './autodiff';
import { FrozenWeights, type EncoderInputs } from './encoder';
import type { EncoderDropout } from './encoderDropout';
import { familyEncoder } from './familyEncoder';
import { Graph } from './graph';
import { classifier, crossEntropy, pooledOutput, rowwiseClassifier } from './heads';
import type { Value } from './ir';
import { CPU_KERNELS, type KernelSet, type Precision } from './kernels';
import * as ops from './ops';

export type TaskType = 'token' | 'sequence';

export interface PastaGraphOptions {
  config: EncoderConfig;
  weights: WeightMap;
  task: TaskType;
  numLabels: number;
  numSlots: number;
  mode: 'train' | 'infer';
  /** Also output hidden_states.{i} (for parity tests). */
  outputHiddenStates?: boolean;
  /** Training: take a dropout mask (already scaled by 1/(1-p)) for the head's input. */
  headDropout?: boolean;
  /**
   * Training: also the encoder's own dropouts (dropout "all"), built with encoderDropoutRates(config); after the
   * build its `masks` lists the bool inputs each step feeds.
   */
  encoderDropout?: EncoderDropout;
  /** The kernels of the provider that will run the graph (kernelsFor(device)); the CPU's by default. */
  kernels?: KernelSet;
  /** The frozen base's Linear products in float32 (the default) or int8 (needs kernels.int8MatMul). */
  precision?: Precision;
  /** With int8: 7 where the CPU's integer kernel saturates 8-bit weights (engine/int8Kernel.ts); 8 by default. */
  int8WeightBits?: ops.Int8WeightBits;
}

/** Names of the graph's inputs and outputs: the contract between the graph and the engine. */
export const io = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  tokenTypeIds: 'token_type_ids',
  positionIds: 'position_ids',
  slotMask: 'pasta_slot_mask',
  pastaVectors: (layer: number) => `pasta_vectors.${layer}`,
  classifierWeight: 'classifier.weight',
  classifierBias: 'classifier.bias',
  labels: 'labels',
  headDropoutMask: 'head_dropout_mask',
  loss: 'loss',
  logits: 'logits',
  probabilities: 'probabilities',
  hiddenStates: (i: number) => `hidden_states.${i}`,
  grad: (name: string) => `grad.${name}`,
} as const;

export function buildPastaGraph(options: PastaGraphOptions): Graph {
  const { config, task, numLabels, numSlots, mode } = options;
  const g = new Graph(`pasta_${task}_${mode}`, options.kernels ?? CPU_KERNELS);
  const tokenShape = ['batch', 'sequence'];
  // Token ids and positions only index (Gather takes int64 everywhere); the mask and the labels are computed on.
  const computedInts = g.kernels.int64 ? 'int64' : 'int32';
  const inputs: EncoderInputs = {
    inputIds: g.input(io.inputIds, 'int64', tokenShape),
    attentionMask: g.input(io.attentionMask, computedInts, tokenShape),
    tokenTypeIds: config.type_vocab_size > 0 ? g.input(io.tokenTypeIds, 'int64', tokenShape) : undefined,
    positionIds: g.input(io.positionIds, 'int64', tokenShape),
    slotMask: g.input(io.slotMask, 'float32', ['batch', 'sequence', numSlots]),
    pastaVectors: Array.from({ length: config.num_hidden_layers }, (_, l) => g.input(io.pastaVectors(l), 'float32', ['batch', numSlots, config.hidden_size])),
    dropout: mode === 'train' ? options.encoderDropout : undefined,
  };
  // Inference takes a head per row (padded to the batch's largest label set), so that one forward pass can
  // serve rows of different adapters; training shares one head.
  const perRow = mode === 'infer';
  const labelDim = perRow ? 'num_labels' : numLabels;
  const classifierWeight = g.input(io.classifierWeight, 'float32', perRow ? ['batch', labelDim, config.hidden_size] : [numLabels, config.hidden_size]);
  const classifierBias = g.input(io.classifierBias, 'float32', perRow ? ['batch', labelDim] : [numLabels]);

  if (options.precision === 'int8' && !g.kernels.int8MatMul) throw new Error('precision int8 needs a provider with int8 products (the CPU)');
  const frozen = new FrozenWeights(g, options.weights, { precision: options.precision, int8WeightBits: options.int8WeightBits });
  const { sequenceOutput, hiddenStates } = familyEncoder(g, frozen, config, inputs);
  let features = task === 'token' ? sequenceOutput : pooledOutput(g, frozen, sequenceOutput);
  if (mode === 'train' && options.headDropout) {
    features = ops.mul(g, features, g.input(io.headDropoutMask, 'float32', [...features.shape]));
  }
  const logits = perRow ? rowwiseClassifier(g, features, classifierWeight, classifierBias) : classifier(g, features, classifierWeight, classifierBias);

  if (mode === 'infer') {
    g.output(logits, io.logits);
    g.output(ops.softmax(g, logits, -1), io.probabilities);
  } else {
    const labels = g.input(io.labels, computedInts, task === 'token' ? tokenShape : ['batch']);
    const loss = crossEntropy(g, logits, labels, numLabels);
    const trainable: Value[] = [...inputs.pastaVectors, classifierWeight, classifierBias];
    const grads = gradients(g, loss, trainable);
    g.output(loss, io.loss);
    g.output(logits, io.logits);
    grads.forEach((grad, k) => g.output(grad, io.grad(trainable[k].name)));
  }
  if (options.outputHiddenStates) hiddenStates.forEach((h, i) => g.output(h, io.hiddenStates(i)));
  return g;
}
