// README.md of a multi-adapter export: which adapter each adapter_ids value selects, their labels and dev metrics,
// the logits' padded layout, and a batch that mixes two adapters, sent with onnxruntime (Python) and as a Triton
// HTTP/JSON request.
import { adapterLabels, type AdapterConfig } from '../adapter/adapterConfig';
import { devMetricsMarkdown } from '../adapter/devMetricsMarkdown';

export interface ExampleBatch {
  texts: string[];
  /** Each input's rows as the tokenizer gives them, padded to one length. */
  inputs: Record<string, number[][]>;
}

export interface MultiAdapterModelCardSource {
  name: string;
  adapters: { name: string; config: AdapterConfig }[];
  architecture: string;
  inputNames: string[];
  adapterIdsInput: string;
  /** The logits' last dimension: the largest label set. */
  numLabels: number;
  modelPath: string;
  externalData: boolean;
  maxPositions?: number;
  example: ExampleBatch;
}

function tritonRequest(s: MultiAdapterModelCardSource, adapterIds: number[]): string {
  const rows = s.example.texts.length;
  const inputs = s.inputNames.map((n) => {
    const data = s.example.inputs[n];
    return `    {"name": "${n}", "datatype": "INT64", "shape": [${rows}, ${data[0].length}], "data": ${JSON.stringify(data)}}`;
  });
  inputs.push(`    {"name": "${s.adapterIdsInput}", "datatype": "INT64", "shape": [${rows}], "data": ${JSON.stringify(adapterIds)}}`);
  return ['{', '  "inputs": [', inputs.join(',\n'), '  ],', '  "outputs": [{"name": "logits"}]', '}'].join('\n');
}

export function multiAdapterModelCard(s: MultiAdapterModelCardSource): string {
  const first = s.adapters[0].config;
  const token = first.task_type === 'TOKEN_CLS';
  const sig = first.base_model_fingerprint.signature;
  const logitsShape = token ? `[batch, sequence, ${s.numLabels}]` : `[batch, ${s.numLabels}]`;
  const two = s.adapters.length > 1 ? [0, 1] : [0, 0];
  const adapterIds = s.example.texts.map((_, k) => two[k % 2]);
  const feeds = s.inputNames.map((n) => `"${n}": enc["${n}"]`).join(', ');
  const table = ['| adapter_ids | adapter | labels | dev F1 (%) |', '|---:|---|---|---:|'];
  s.adapters.forEach(({ name, config }, k) => {
    const overall = devMetricsMarkdown(config).find((line) => line.startsWith('| **'));
    const f1 = overall?.split('|')[4]?.replace(/\*/g, '').trim() ?? '–';
    table.push(`| ${k} | ${name} | ${adapterLabels(config).join(', ')} | ${f1} |`);
  });
  return [
    `# ${s.name}`,
    '',
    `${s.adapters.length} [PASTA](https://aclanthology.org/2023.eacl-main.118/) adapters exported by PASTA Studio ${first.pasta_studio_version} as one standalone ONNX model (\`${s.architecture}\`) on their shared frozen base \`${first.base_model_name_or_path}\` (${sig.model_type}, ${sig.num_hidden_layers} layers × ${sig.hidden_size}), all inside \`${s.modelPath}\`${s.externalData ? ' (its weights in ONNX external data beside it)' : ''}. The input \`${s.adapterIdsInput}\` chooses, row by row, whose PASTA vectors and head process that row: one batch may mix adapters.`,
    '',
    '## Adapters',
    '',
    ...table,
    '',
    ...s.adapters.flatMap(({ name, config }, k) => [`### ${k}: ${name} (dev metrics, %)`, '', ...devMetricsMarkdown(config), '']),
    '## Inputs and output',
    '',
    `- inputs: ${s.inputNames.map((n) => `\`${n}\``).join(', ')}, int64 \`[batch, sequence]\`, as this folder's tokenizer gives them;`,
    `  \`${s.adapterIdsInput}\`, int64 \`[batch]\`: the adapter of each row, its number in the table above (a number outside 0..${s.adapters.length - 1} is an error)`,
    `- output: \`logits\`, float32 \`${logitsShape}\`, padded to the largest label set: a row's first \`num_labels\` logits are its adapter's, in the order of that adapter's \`id2label\`, and the rest are \`-inf\` (no probability after a softmax)`,
    `- config.json: the top-level \`id2label\` names the padded logits \`LABEL_k\`; each adapter's own labels are in \`pasta.adapters[k]\` (\`adapter_id\`, \`name\`, \`num_labels\`, \`id2label\`, \`label2id\`, \`special_token_slots\`), k being its \`${s.adapterIdsInput}\` value`,
    `- position ids and the special-token positions are computed inside the model; encode with the tokenizer's special tokens (the default)`,
    ...(s.maxPositions === undefined ? [] : [`- a row holds at most ${s.maxPositions} tokens (max_position_embeddings): truncate, or window longer texts`]),
    '',
    '## A batch that mixes two adapters: onnxruntime (Python)',
    '',
    '```python',
    'import json',
    '',
    'import numpy as np',
    'import onnxruntime as ort',
    'from transformers import AutoTokenizer',
    '',
    'folder = "path/to/this/folder"',
    'adapters = json.load(open(f"{folder}/config.json"))["pasta"]["adapters"]',
    'tokenizer = AutoTokenizer.from_pretrained(folder)',
    `session = ort.InferenceSession(f"{folder}/${s.modelPath}")`,
    `texts = ${JSON.stringify(s.example.texts)}`,
    `adapter_ids = np.array(${JSON.stringify(adapterIds)}, dtype=np.int64)  # ${adapterIds.map((k, i) => `row ${i}: ${s.adapters[k].name}`).join(', ')}`,
    'enc = tokenizer(texts, return_tensors="np", padding=True)',
    `logits = session.run(["logits"], {${feeds}, "${s.adapterIdsInput}": adapter_ids})[0]`,
    'for row, k in zip(logits, adapter_ids):',
    '    id2label = adapters[k]["id2label"]',
    '    own = row[..., : len(id2label)]  # the rest are -inf',
    `    print(adapters[k]["name"], ${token ? '[id2label[str(i)] for i in own.argmax(-1)]' : 'id2label[str(own.argmax(-1))]'})`,
    '```',
    '',
    `## The same batch for Triton Inference Server (\`--triton\`): \`POST /v2/models/${s.name}/infer\``,
    '',
    `The token ids are what this folder's tokenizer gives for ${s.example.texts.map((t) => `"${t}"`).join(' and ')}.`,
    '',
    '```json',
    tritonRequest(s, adapterIds),
    '```',
    '',
  ].join('\n');
}
