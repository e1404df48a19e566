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
