// config.pbtxt for Triton Inference Server's onnxruntime backend. max_batch_size 0: the batch is the first of the
// model's own dims, so every symbolic dim is -1 and requests of any batch and length pass through unchanged.
import type { TaskType } from '../graph/pastaGraph';

export interface TritonConfigSource {
  name: string;
  inputNames: string[];
  task: TaskType;
  numLabels: number;
  /** A multi-adapter model's int64 [batch] input choosing each row's adapter. */
  adapterIdsInput?: string;
}

export function tritonConfig(options: TritonConfigSource): string {
  const input = options.inputNames.map((name) => `  {\n    name: "${name}"\n    data_type: TYPE_INT64\n    dims: [ -1, -1 ]\n  }`);
  if (options.adapterIdsInput) input.push(`  {\n    name: "${options.adapterIdsInput}"\n    data_type: TYPE_INT64\n    dims: [ -1 ]\n  }`);
  const logitsDims = options.task === 'token' ? `-1, -1, ${options.numLabels}` : `-1, ${options.numLabels}`;
  return [
    `name: "${options.name}"`,
    'platform: "onnxruntime_onnx"',
    'max_batch_size: 0',
    `input [\n${input.join(',\n')}\n]`,
    `output [\n  {\n    name: "logits"\n    data_type: TYPE_FP32\n    dims: [ ${logitsDims} ]\n  }\n]`,
    '',
  ].join('\n');
}
