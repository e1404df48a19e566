// config.json of an exported model: the base architecture's own fields, with the head transformers would name
// (BertForTokenClassification, ...) and the adapter's labels, so that AutoConfig and Optimum read it unchanged.
import type { AdapterConfig } from '../adapter/adapterConfig';
import type { EncoderConfig, ModelFamily } from '../model/types';

const ARCHITECTURE_PREFIX: Record<ModelFamily, string> = {
  bert: 'Bert',
  roberta: 'Roberta',
  'xlm-roberta': 'XLMRoberta',
  distilbert: 'DistilBert',
  electra: 'Electra',
  'deberta-v2': 'DebertaV2',
  modernbert: 'ModernBert',
};

export function architectureName(family: ModelFamily, task: AdapterConfig['task_type']): string {
  return `${ARCHITECTURE_PREFIX[family]}For${task === 'TOKEN_CLS' ? 'TokenClassification' : 'SequenceClassification'}`;
}

export interface ExportedConfigSource {
  adapterName: string;
  adapter: AdapterConfig;
  base: EncoderConfig;
}

export function exportedConfig({ adapterName, adapter, base }: ExportedConfigSource): Record<string, unknown> {
  const { architectures: _baseArchitectures, _name_or_path: _baseName, id2label: _i, label2id: _l, ...fields } = base.raw;
  return {
    ...fields,
    architectures: [architectureName(base.model_type, adapter.task_type)],
    id2label: adapter.id2label,
    label2id: adapter.label2id,
    ...(adapter.task_type === 'SEQ_CLS' ? { problem_type: 'single_label_classification' } : {}),
    pasta: {
      adapter: adapterName,
      base_model_name_or_path: adapter.base_model_name_or_path,
      base_model_fingerprint: adapter.base_model_fingerprint.sha256,
      special_token_slots: adapter.special_token_slots,
      ...(adapter.text_pair ? { text_pair: true } : {}),
      pasta_studio_version: adapter.pasta_studio_version,
    },
  };
}

export interface MultiAdapterConfigSource {
  adapters: { name: string; config: AdapterConfig }[];
  base: EncoderConfig;
  /** The logits' last dimension: the largest label set. */
  numLabels: number;
  adapterIdsInput: string;
}

/**
 * config.json of a multi-adapter export. The top-level id2label covers the padded logits with transformers' default
 * names (LABEL_k), since no one label set fits every row; each adapter's own labels are in pasta.adapters[k], k being
 * the adapter_ids value that selects it: its logits are the first len(id2label) of a row, the rest -inf.
 */
export function exportedMultiAdapterConfig({ adapters, base, numLabels, adapterIdsInput }: MultiAdapterConfigSource): Record<string, unknown> {
  const first = adapters[0].config;
  const { pasta: _single, id2label: _i, label2id: _l, ...fields } = exportedConfig({ adapterName: adapters[0].name, adapter: first, base });
  const names = Array.from({ length: numLabels }, (_, k) => `LABEL_${k}`);
  return {
    ...fields,
    id2label: Object.fromEntries(names.map((n, k) => [String(k), n])),
    label2id: Object.fromEntries(names.map((n, k) => [n, k])),
    pasta: {
      adapter_ids_input: adapterIdsInput,
      padding_logit: '-inf',
      base_model_name_or_path: first.base_model_name_or_path,
      base_model_fingerprint: first.base_model_fingerprint.sha256,
      pasta_studio_version: first.pasta_studio_version,
      adapters: adapters.map(({ name, config }, k) => ({
        adapter_id: k,
        name,
        num_labels: Object.keys(config.id2label).length,
        id2label: config.id2label,
        label2id: config.label2id,
        special_token_slots: config.special_token_slots,
        ...(config.text_pair ? { text_pair: true } : {}),
      })),
    },
  };
}
