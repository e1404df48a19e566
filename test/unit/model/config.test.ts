import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { parseEncoderConfig, readEncoderConfig } from '../../../src/core/model/config.js';
import { withTempDir } from './craftSafetensors.js';

// Field values as the families' real config.json files on the hub write them.
const BERT_BASE_UNCASED = {
  architectures: ['BertForMaskedLM'],
  attention_probs_dropout_prob: 0.1,
  gradient_checkpointing: false,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 768,
  initializer_range: 0.02,
  intermediate_size: 3072,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  model_type: 'bert',
  num_attention_heads: 12,
  num_hidden_layers: 12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  transformers_version: '4.6.0.dev0',
  type_vocab_size: 2,
  use_cache: true,
  vocab_size: 30522,
};
const ALL_MINILM_L6_V2 = {
  _name_or_path: 'nreimers/MiniLM-L6-H384-uncased',
  architectures: ['BertModel'],
  attention_probs_dropout_prob: 0.1,
  gradient_checkpointing: false,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 384,
  initializer_range: 0.02,
  intermediate_size: 1536,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  model_type: 'bert',
  num_attention_heads: 12,
  num_hidden_layers: 6,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  type_vocab_size: 2,
  vocab_size: 30522,
};
const ROBERTA_BASE = {
  architectures: ['RobertaForMaskedLM'],
  attention_probs_dropout_prob: 0.1,
  bos_token_id: 0,
  eos_token_id: 2,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 768,
  initializer_range: 0.02,
  intermediate_size: 3072,
  layer_norm_eps: 1e-5,
  max_position_embeddings: 514,
  model_type: 'roberta',
  num_attention_heads: 12,
  num_hidden_layers: 12,
  pad_token_id: 1,
  type_vocab_size: 1,
  vocab_size: 50265,
};
const XLM_ROBERTA_BASE = { ...ROBERTA_BASE, architectures: ['XLMRobertaForMaskedLM'], model_type: 'xlm-roberta', vocab_size: 250002, output_past: true };
const DISTILBERT_BASE_UNCASED = {
  activation: 'gelu',
  architectures: ['DistilBertForMaskedLM'],
  attention_dropout: 0.1,
  dim: 768,
  dropout: 0.1,
  hidden_dim: 3072,
  initializer_range: 0.02,
  max_position_embeddings: 512,
  model_type: 'distilbert',
  n_heads: 12,
  n_layers: 6,
  pad_token_id: 0,
  qa_dropout: 0.1,
  seq_classif_dropout: 0.2,
  sinusoidal_pos_embds: false,
  tie_weights_: true,
  vocab_size: 30522,
};
const ELECTRA_SMALL_DISCRIMINATOR = {
  architectures: ['ElectraForPreTraining'],
  attention_probs_dropout_prob: 0.1,
  embedding_size: 128,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 256,
  initializer_range: 0.02,
  intermediate_size: 1024,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  model_type: 'electra',
  num_attention_heads: 4,
  num_hidden_layers: 12,
  pad_token_id: 0,
  type_vocab_size: 2,
  vocab_size: 30522,
};

// microsoft/deberta-v3-base's config.json.
const DEBERTA_V3_BASE = {
  model_type: 'deberta-v2',
  attention_probs_dropout_prob: 0.1,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 768,
  initializer_range: 0.02,
  intermediate_size: 3072,
  max_position_embeddings: 512,
  relative_attention: true,
  position_buckets: 256,
  norm_rel_ebd: 'layer_norm',
  share_att_key: true,
  pos_att_type: 'p2c|c2p',
  layer_norm_eps: 1e-7,
  max_relative_positions: -1,
  position_biased_input: false,
  num_attention_heads: 12,
  num_hidden_layers: 12,
  type_vocab_size: 0,
  vocab_size: 128100,
};

// answerdotai/ModernBERT-base's config.json.
const MODERNBERT_BASE = {
  architectures: ['ModernBertForMaskedLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 50281,
  classifier_activation: 'gelu',
  classifier_bias: false,
  classifier_dropout: 0.0,
  classifier_pooling: 'mean',
  cls_token_id: 50281,
  decoder_bias: true,
  deterministic_flash_attn: false,
  embedding_dropout: 0.0,
  eos_token_id: 50282,
  global_attn_every_n_layers: 3,
  global_rope_theta: 160000.0,
  gradient_checkpointing: false,
  hidden_activation: 'gelu',
  hidden_size: 768,
  initializer_cutoff_factor: 2.0,
  initializer_range: 0.02,
  intermediate_size: 1152,
  layer_norm_eps: 1e-5,
  local_attention: 128,
  local_rope_theta: 10000.0,
  max_position_embeddings: 8192,
  mlp_bias: false,
  mlp_dropout: 0.0,
  model_type: 'modernbert',
  norm_bias: false,
  norm_eps: 1e-5,
  num_attention_heads: 12,
  num_hidden_layers: 22,
  pad_token_id: 50283,
  position_embedding_type: 'absolute',
  sep_token_id: 50282,
  vocab_size: 50368,
};

function fields(raw: object) {
  const { raw: _raw, ...rest } = parseEncoderConfig(raw);
  return rest;
}

test('BERT (bert-base-uncased)', () => {
  assert.deepEqual(fields(BERT_BASE_UNCASED), {
    model_type: 'bert',
    vocab_size: 30522,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    pad_token_id: 0,
    embedding_size: 768,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
  });
  assert.equal(parseEncoderConfig(BERT_BASE_UNCASED).raw.transformers_version, '4.6.0.dev0');
});

test('MiniLM is model_type bert', () => {
  const c = fields(ALL_MINILM_L6_V2);
  assert.equal(c.model_type, 'bert');
  assert.deepEqual([c.hidden_size, c.num_hidden_layers, c.num_attention_heads, c.intermediate_size], [384, 6, 12, 1536]);
});

test('RoBERTa and XLM-RoBERTa', () => {
  assert.deepEqual(fields(ROBERTA_BASE), {
    model_type: 'roberta',
    vocab_size: 50265,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-5,
    max_position_embeddings: 514,
    type_vocab_size: 1,
    pad_token_id: 1,
    embedding_size: 768,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
  });
  const x = fields(XLM_ROBERTA_BASE);
  assert.equal(x.model_type, 'xlm-roberta');
  assert.equal(x.vocab_size, 250002);
  assert.equal(x.pad_token_id, 1);
});

test('DistilBERT: dim, n_layers, n_heads, hidden_dim, activation; no token types; eps 1e-12', () => {
  assert.deepEqual(fields(DISTILBERT_BASE_UNCASED), {
    model_type: 'distilbert',
    vocab_size: 30522,
    hidden_size: 768,
    num_hidden_layers: 6,
    num_attention_heads: 12,
    intermediate_size: 3072,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    type_vocab_size: 0,
    pad_token_id: 0,
    embedding_size: 768,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
  });
  assert.equal(fields({ ...DISTILBERT_BASE_UNCASED, activation: 'relu' }).hidden_act, 'relu');
});

test('ELECTRA keeps its embedding_size', () => {
  const c = fields(ELECTRA_SMALL_DISCRIMINATOR);
  assert.equal(c.model_type, 'electra');
  assert.equal(c.embedding_size, 128);
  assert.equal(c.hidden_size, 256);
});

test('optional fields take the transformers defaults', () => {
  const { hidden_act, layer_norm_eps, type_vocab_size, pad_token_id, initializer_range, hidden_dropout_prob, ...required } = BERT_BASE_UNCASED;
  const c = fields(required);
  assert.deepEqual(
    [c.hidden_act, c.layer_norm_eps, c.type_vocab_size, c.pad_token_id, c.initializer_range, c.hidden_dropout_prob],
    ['gelu', 1e-12, 2, 0, 0.02, 0.1],
  );
  assert.equal(fields({ ...ROBERTA_BASE, pad_token_id: undefined }).pad_token_id, 1);
});

function rejects(raw: unknown, pattern: RegExp, file = '/models/x/config.json'): void {
  assert.throws(
    () => parseEncoderConfig(raw, file),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.ok(error.message.startsWith(`${file}: `), error.message);
      assert.ok(!error.message.includes('\n'));
      assert.match(error.message, pattern);
      return true;
    },
  );
}

test('DeBERTa-v3 (deberta-v2): disentangled attention fields, -1 max_relative_positions as max_position_embeddings', () => {
  const c = fields(DEBERTA_V3_BASE);
  assert.equal(c.model_type, 'deberta-v2');
  assert.deepEqual(c, {
    model_type: 'deberta-v2',
    vocab_size: 128100,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-7,
    max_position_embeddings: 512,
    type_vocab_size: 0,
    pad_token_id: 0,
    embedding_size: 768,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    relative_attention: true,
    max_relative_positions: 512,
    position_buckets: 256,
    pos_att_type: ['p2c', 'c2p'],
    share_att_key: true,
    norm_rel_ebd: true,
    position_biased_input: false,
  });
  // transformers' defaults where a field is absent: DebertaV2Config and the getattr fallbacks of the model.
  const bare = fields({ model_type: 'deberta-v2', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, vocab_size: 100 });
  assert.equal(bare.model_type, 'deberta-v2');
  if (bare.model_type !== 'deberta-v2') return;
  assert.deepEqual(
    [
      bare.relative_attention,
      bare.position_biased_input,
      bare.pos_att_type,
      bare.share_att_key,
      bare.norm_rel_ebd,
      bare.position_buckets,
      bare.type_vocab_size,
      bare.layer_norm_eps,
    ],
    [false, true, [], false, false, -1, 0, 1e-7],
  );
  assert.deepEqual(fields({ ...DEBERTA_V3_BASE, pos_att_type: ['c2p'] }).model_type, 'deberta-v2');
});

test('ModernBERT: hub form (global_attn_every_n_layers, two rope thetas) and transformers 5 form (layer_types, rope_parameters)', () => {
  const c = fields(MODERNBERT_BASE);
  assert.equal(c.model_type, 'modernbert');
  if (c.model_type !== 'modernbert') return;
  assert.deepEqual(
    [
      c.hidden_size,
      c.intermediate_size,
      c.hidden_act,
      c.layer_norm_eps,
      c.global_rope_theta,
      c.local_rope_theta,
      c.local_attention,
      c.type_vocab_size,
      c.pad_token_id,
    ],
    [768, 1152, 'gelu', 1e-5, 160000, 10000, 128, 0, 50283],
  );
  assert.deepEqual(c.layer_types.slice(0, 4), ['full_attention', 'sliding_attention', 'sliding_attention', 'full_attention']);
  assert.equal(c.layer_types.filter((t) => t === 'full_attention').length, 8);
  const saved = fields({
    ...MODERNBERT_BASE,
    num_hidden_layers: 2,
    global_attn_every_n_layers: undefined,
    layer_types: ['sliding_attention', 'full_attention'],
    rope_parameters: { full_attention: { rope_type: 'default', rope_theta: 80000 }, sliding_attention: { rope_type: 'default', rope_theta: 5000 } },
  });
  if (saved.model_type !== 'modernbert') return assert.fail(saved.model_type);
  assert.deepEqual([saved.layer_types, saved.global_rope_theta, saved.local_rope_theta], [['sliding_attention', 'full_attention'], 80000, 5000]);
});

test('ModernBERT fields the encoder cannot honour are refused by name', () => {
  rejects({ ...MODERNBERT_BASE, layer_types: ['full_attention'] }, /layer_types must list 22 layer types \(num_hidden_layers\), got \["full_attention"\]/);
  rejects(
    { ...MODERNBERT_BASE, num_hidden_layers: 1, layer_types: ['chunked_attention'] },
    /layer_types "chunked_attention" is not supported \(supported: full_attention, sliding_attention\)/,
  );
  rejects(
    { ...MODERNBERT_BASE, rope_parameters: { full_attention: { rope_type: 'yarn' }, sliding_attention: {} } },
    /rope_parameters full_attention rope_type "yarn" is not supported \(supported: default\)/,
  );
  rejects({ ...MODERNBERT_BASE, rope_parameters: { full_attention: {} } }, /rope_parameters has no sliding_attention entry/);
  rejects({ ...MODERNBERT_BASE, hidden_activation: 'silu' }, /hidden_activation 'silu' is not supported/);
  rejects({ ...MODERNBERT_BASE, norm_bias: 1 }, /norm_bias must be true or false, got 1/);
  rejects({ ...MODERNBERT_BASE, global_attn_every_n_layers: 0 }, /global_attn_every_n_layers must be a positive integer, got 0/);
});

test('DeBERTa fields the encoder cannot honour are refused by name', () => {
  rejects({ ...DEBERTA_V3_BASE, conv_kernel_size: 3 }, /conv_kernel_size is set: the convolution layer of deberta-v2-xlarge\/xxlarge is not supported/);
  rejects({ ...DEBERTA_V3_BASE, pos_att_type: 'p2c|p2p' }, /pos_att_type "p2p" is not supported \(supported: c2p, p2c\)/);
  rejects({ ...DEBERTA_V3_BASE, pos_att_type: 3 }, /pos_att_type must be a list or a '\|'-separated string, got 3/);
  rejects({ ...DEBERTA_V3_BASE, norm_rel_ebd: 'batch_norm' }, /norm_rel_ebd 'batch_norm' is not supported \(supported: none, layer_norm\)/);
  rejects({ ...DEBERTA_V3_BASE, share_att_key: 'yes' }, /share_att_key must be true or false, got "yes"/);
  rejects({ ...DEBERTA_V3_BASE, position_buckets: 1.5 }, /position_buckets must be an integer, got 1.5/);
  rejects({ ...DEBERTA_V3_BASE, attention_head_size: 32 }, /attention_head_size is 32; only hidden_size \/ num_attention_heads \(64\) is supported/);
  rejects({ ...DEBERTA_V3_BASE, hidden_size: undefined }, /hidden_size is missing/);
});

test('an unknown or missing model_type lists the supported ones', () => {
  rejects(
    { ...BERT_BASE_UNCASED, model_type: 'gpt2' },
    /model_type 'gpt2' is not supported \(supported: bert, roberta, xlm-roberta, distilbert, electra, deberta-v2, modernbert\)/,
  );
  rejects({ ...BERT_BASE_UNCASED, model_type: undefined }, /has no model_type \(supported: bert, roberta/);
  rejects({ ...BERT_BASE_UNCASED, model_type: 7 }, /model_type 7 is not supported/);
});

test('missing or invalid fields name the field', () => {
  rejects({ ...BERT_BASE_UNCASED, hidden_size: undefined }, /hidden_size is missing/);
  rejects({ ...BERT_BASE_UNCASED, num_hidden_layers: 0 }, /num_hidden_layers must be a positive integer, got 0/);
  rejects({ ...BERT_BASE_UNCASED, vocab_size: '30522' }, /vocab_size must be a positive integer, got "30522"/);
  rejects({ ...BERT_BASE_UNCASED, intermediate_size: 3072.5 }, /intermediate_size must be a positive integer/);
  rejects({ ...BERT_BASE_UNCASED, layer_norm_eps: -1 }, /layer_norm_eps must be a positive number, got -1/);
  rejects({ ...BERT_BASE_UNCASED, hidden_dropout_prob: 1.5 }, /hidden_dropout_prob must be a number in \[0, 1\), got 1.5/);
  rejects({ ...BERT_BASE_UNCASED, hidden_act: 'swish' }, /hidden_act 'swish' is not supported \(supported: gelu, gelu_new, gelu_pytorch_tanh, relu\)/);
  rejects({ ...BERT_BASE_UNCASED, position_embedding_type: 'relative_key' }, /position_embedding_type is 'relative_key'; only 'absolute' is supported/);
  rejects({ ...BERT_BASE_UNCASED, num_attention_heads: 7 }, /hidden size 768 is not a multiple of the number of attention heads 7/);
  rejects({ ...DISTILBERT_BASE_UNCASED, dim: undefined }, /dim is missing/);
  rejects({ ...DISTILBERT_BASE_UNCASED, n_layers: -6 }, /n_layers must be a positive integer/);
  rejects({ ...DISTILBERT_BASE_UNCASED, activation: 'tanh' }, /activation is 'tanh'; DistilBERT supports 'gelu' and 'relu'/);
  rejects({ ...ELECTRA_SMALL_DISCRIMINATOR, embedding_size: undefined }, /embedding_size is missing/);
  rejects([1, 2], /is not a JSON object/);
});

test('readEncoderConfig names config.json for bad JSON and a missing file', async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'config.json');
    await assert.rejects(readEncoderConfig(dir), { message: `${file}: not found` });
    await writeFile(file, '{"model_type": "bert",\n');
    await assert.rejects(
      readEncoderConfig(dir),
      (error: Error) => error instanceof InputError && error.message.startsWith(`${file}: is not valid JSON`) && !error.message.includes('\n'),
    );
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'config.json'), JSON.stringify(ALL_MINILM_L6_V2));
    assert.equal((await readEncoderConfig(join(dir, 'sub'))).hidden_size, 384);
  });
});
