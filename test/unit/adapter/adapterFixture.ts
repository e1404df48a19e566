// A small, valid adapter (config and tensors with distinct, deterministic values) for the adapter and CLI tests.
import { labelMaps, type AdapterConfig, type AdapterTaskType, type AdapterTensors } from '../../../src/core/adapter/index.js';
import type { Float32Tensor } from '../../../src/core/model/types.js';

export interface FixtureOptions {
  task?: AdapterTaskType;
  labels?: string[];
  layers?: number;
  hidden?: number;
  slots?: number;
  seed?: number;
  baseSha?: string;
}

export const BASE_SHA = `sha256:${'ab'.repeat(32)}`;

export function fixtureConfig(options: FixtureOptions = {}): AdapterConfig {
  const task = options.task ?? 'TOKEN_CLS';
  const layers = options.layers ?? 2;
  const hidden = options.hidden ?? 8;
  const slots = options.slots ?? 2;
  return {
    peft_type: 'PASTA',
    task_type: task,
    base_model_name_or_path: 'all-MiniLM-L6-v2',
    base_model_fingerprint: {
      sha256: options.baseSha ?? BASE_SHA,
      signature: { model_type: 'bert', hidden_size: hidden, num_hidden_layers: layers, num_attention_heads: 2, vocab_size: 100 },
    },
    num_special_token_slots: slots,
    special_token_slots: ['[CLS]', '[SEP]', '[SEP]'].slice(0, slots),
    num_layers: layers,
    hidden_size: hidden,
    ...labelMaps(task, options.labels ?? ['person', 'location']),
    ...(task === 'TOKEN_CLS' ? { label_scheme: 'IOB2' as const } : {}),
    training_data_fingerprint: `sha256:${'cd'.repeat(32)}`,
    metrics: { dev: { overall: { precision: 0.5, recall: 0.25, f1: 1 / 3 }, person: { precision: 1, recall: 0.5, f1: 2 / 3 } } },
    hyperparameters: { epochs: 3, learningRate: 0.003, batchSize: 16 },
    created: '2026-11-30T04:30:00.000Z',
    pasta_studio_version: '0.1.0',
  };
}

function tensor(shape: number[], seed: number): Float32Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  // Values that are not round in binary, so that any conversion through float64 text would show.
  for (let i = 0; i < size; i++) data[i] = Math.sin(seed * 1000 + i) / 3;
  return { shape, data };
}

export function fixtureTensors(config: AdapterConfig, seed = 1): AdapterTensors {
  const labels = Object.keys(config.id2label).length;
  return {
    pasta_vectors: tensor([config.num_layers, config.num_special_token_slots, config.hidden_size], seed),
    'classifier.weight': tensor([labels, config.hidden_size], seed + 1),
    'classifier.bias': tensor([labels], seed + 2),
  };
}
