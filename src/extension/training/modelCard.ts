// The README.md model card written next to an adapter when it is packaged into the repository: what it predicts,
// what it was trained on and from, how well it did on dev, and how to use it. Pure text from adapter_config.json.
import { adapterLabels, type AdapterConfig } from '../../core/adapter/index.js';
import { devMetricsMarkdown } from '../../core/adapter/devMetricsMarkdown.js';

export const MODEL_CARD_FILE = 'README.md';

export function modelCard(name: string, config: AdapterConfig, sizeBytes: number): string {
  const labels = adapterLabels(config);
  const sig = config.base_model_fingerprint.signature;
  const what = config.task_type === 'TOKEN_CLS' ? 'Named-entity recognition (token classification, IOB2)' : 'Text classification';
  const scoring = config.task_type === 'TOKEN_CLS' ? 'entity level, seqeval strict IOB2' : 'per class and macro average';
  const hp = config.hyperparameters;
  const hpText = ['epochs', 'batchSize', 'learningRate', 'maxLength', 'seed']
    .filter((k) => hp[k] !== undefined)
    .map((k) => `${k} ${JSON.stringify(hp[k])}`)
    .join(', ');
  return [
    `# ${name}`,
    '',
    `A [PASTA](https://aclanthology.org/2023.eacl-main.118/) adapter (${config.task_type}) trained with PASTA Studio ${config.pasta_studio_version}: one vector per layer for each of the special tokens ${config.special_token_slots.map((t) => `\`${t}\``).join(' and ')} on a frozen encoder, and a classification head. ${(sizeBytes / 1024).toFixed(1)} KB.`,
    '',
    '## What it predicts',
    '',
    `${what}: ${labels.map((l) => `\`${l}\``).join(', ')}.`,
    '',
    '## Base model',
    '',
    `- \`${config.base_model_name_or_path}\` (${sig.model_type}, ${sig.num_hidden_layers} layers × ${sig.hidden_size}, vocabulary ${sig.vocab_size})`,
    `- fingerprint \`${config.base_model_fingerprint.sha256}\`: loading refuses a base model whose weights differ`,
    '',
    '## Training data',
    '',
    `- fingerprint \`${config.training_data_fingerprint}\``,
    `- created ${config.created}${hpText ? `; ${hpText}` : ''}`,
    '',
    `## Dev metrics (${scoring}, %)`,
    '',
    ...devMetricsMarkdown(config),
    '',
    '## Use it',
    '',
    'In VS Code: **PASTA: Select Active Adapter**, then **PASTA: Predict Entities in Current File**. From a shell, in the repository:',
    '',
    '```sh',
    `npx pasta predict --adapter ${name} path/to/file.txt`,
    `npx pasta eval --adapter ${name}`,
    '```',
    '',
  ].join('\n');
}
