// README.md of an exported model: what it is, its labels and dev metrics, its inputs and output, and how to run it
// with Optimum, with onnxruntime (Python and Node) and behind Triton.
import { adapterLabels, type AdapterConfig } from '../adapter/adapterConfig';
import { devMetricsMarkdown } from '../adapter/devMetricsMarkdown';
import type { Int8Accuracy } from './int8Accuracy';
import { quantizationMarkdown } from './quantizationCard';

export interface ExportModelCardSource {
  name: string;
  adapter: AdapterConfig;
  architecture: string;
  inputNames: string[];
  /** The model file relative to the folder holding config.json (model.onnx, or <name>/1/model.onnx for Triton). */
  modelPath: string;
  externalData: boolean;
  /** The base's max_position_embeddings, where its positions are learned (a row cannot be longer). */
  maxPositions?: number;
  /** An int8 export: its dev scores beside the float32 model's. */
  int8?: Int8Accuracy;
}

export function exportModelCard(s: ExportModelCardSource): string {
  const { adapter } = s;
  const token = adapter.task_type === 'TOKEN_CLS';
  const sig = adapter.base_model_fingerprint.signature;
  const ortClass = token ? 'ORTModelForTokenClassification' : 'ORTModelForSequenceClassification';
  const pipelineTask = token ? 'token-classification' : 'text-classification';
  const logitsShape = token ? '[batch, sequence, num_labels]' : '[batch, num_labels]';
  const feeds = s.inputNames.map((n) => `"${n}": enc["${n}"]`).join(', ');
  return [
    `# ${s.name}`,
    '',
    `A [PASTA](https://aclanthology.org/2023.eacl-main.118/) adapter exported by PASTA Studio ${adapter.pasta_studio_version} as a standalone ONNX model (\`${s.architecture}\`): the frozen base \`${adapter.base_model_name_or_path}\` (${sig.model_type}, ${sig.num_hidden_layers} layers × ${sig.hidden_size}), the adapter's vectors for the special tokens ${adapter.special_token_slots.map((t) => `\`${t}\``).join(', ')} and its classification head, all inside \`${s.modelPath}\`${s.externalData ? ' (its weights in ONNX external data beside it)' : ''}.`,
    '',
    '## Labels',
    '',
    `${token ? 'Named-entity recognition, IOB2 tags of' : 'Text classification'}: ${adapterLabels(adapter)
      .map((l) => `\`${l}\``)
      .join(', ')} (id2label in config.json).`,
    '',
    `## Dev metrics (${token ? 'entity level, seqeval strict IOB2' : 'per class and macro average'}, %)`,
    '',
    ...devMetricsMarkdown(adapter),
    '',
    ...(s.int8 ? quantizationMarkdown(s.int8) : []),
    '## Inputs and output',
    '',
    `- inputs: ${s.inputNames.map((n) => `\`${n}\``).join(', ')}, int64 \`[batch, sequence]\`, as this folder's tokenizer gives them`,
    `- output: \`logits\`, float32 \`${logitsShape}\``,
    '- position ids and the special-token positions are computed inside the model from `input_ids` and `attention_mask`;',
    `  the adapter's vectors go to the first ${adapter.num_special_token_slots} of ${[...new Set(adapter.special_token_slots)].map((t) => `\`${t}\``).join('/')} in each row, so encode with the tokenizer's special tokens (the default).`,
    ...(s.maxPositions === undefined
      ? []
      : [
          `- a row holds at most ${s.maxPositions} tokens (max_position_embeddings): truncate, or split longer texts into windows as \`pasta predict\` does (${token ? "the pipeline's `stride` argument" : 'one row per window'}).`,
        ]),
    '',
    '## Load it with Optimum',
    '',
    '```python',
    `from optimum.onnxruntime import ${ortClass}`,
    'from transformers import AutoTokenizer, pipeline',
    '',
    `model = ${ortClass}.from_pretrained("path/to/this/folder")`,
    'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
    `tagger = pipeline("${pipelineTask}", model=model, tokenizer=tokenizer${token ? ', aggregation_strategy="first"' : ''})`,
    'print(tagger("Text to tag"))',
    '```',
    '',
    '## Run it with onnxruntime',
    '',
    '```python',
    'import onnxruntime as ort',
    'from transformers import AutoTokenizer',
    '',
    'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
    `session = ort.InferenceSession("path/to/this/folder/${s.modelPath}")`,
    'enc = tokenizer(["Text to tag"], return_tensors="np", padding=True)',
    `logits = session.run(["logits"], {${feeds}})[0]`,
    '```',
    '',
    `From Node, onnxruntime-node runs the same file: \`InferenceSession.create("${s.modelPath}")\` with int64 tensors of the same names.`,
    '',
  ].join('\n');
}
