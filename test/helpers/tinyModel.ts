// Deterministic tiny encoders for tests: config.json, tokenizer files and model.safetensors in each family's real
// Hugging Face layout (prefix, extra heads, buffers), so that tests exercise the same paths as real checkpoints.
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncoderConfig, Float32Tensor, HiddenAct, ModelFamily, WeightMap } from '../../src/core/model/types.js';
import { decodeToFloat32, encodeFromFloat32 } from '../../src/core/model/safetensors/dtypes.js';
import { parseEncoderConfig } from '../../src/core/model/config.js';
import { writeSafetensors, type TensorToWrite } from '../../src/core/model/safetensors/safetensorsWriter.js';
import { expectedWeights, FAMILY_PREFIX } from '../../src/core/model/weights.js';

export interface TinyModelOptions {
  seed?: number;
  numLayers?: number;
  hiddenSize?: number;
  numHeads?: number;
  intermediateSize?: number;
  /** ELECTRA only: narrower than hiddenSize by default, so that embeddings_project exists. */
  embeddingSize?: number;
  /** Longest sequence; RoBERTa-style families get 2 more position rows, as their checkpoints do. */
  maxPositions?: number;
  hiddenAct?: HiddenAct;
  /** Std of the random weights; larger than transformers' 0.02 so that attention is far from uniform in tests. */
  std?: number;
  /** Write names with the family prefix ("bert.", ...), as *ForMaskedLM checkpoints do (default true). */
  prefix?: boolean;
  /** Write the pre-training heads and buffers real checkpoints carry (default true). */
  extraTensors?: boolean;
  /** Write LayerNorm parameters as gamma/beta, as old TF-converted checkpoints do. */
  legacyLayerNormNames?: boolean;
  dtype?: 'F32' | 'F16' | 'BF16';
  /** Split the weights over this many shards with a model.safetensors.index.json (default 1: model.safetensors). */
  shards?: number;
}

export interface TinyModel {
  dir: string;
  config: EncoderConfig;
  /** The encoder weights exactly as loadModelFolder should return them (after any F16/BF16 rounding). */
  weights: WeightMap;
  /** Tokens by id (vocab.txt lines, vocab.json's order for RoBERTa, the Unigram pieces for XLM-RoBERTa). */
  vocab: string[];
  /** The weight files written. */
  files: string[];
}

/** Seeded PRNG (mulberry32) with a Box-Muller normal: the same seed gives the same model on every machine. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}

// WordPiece vocabulary: specials, punctuation, digits, letters as word starts and ##continuations, some words.
const WORDPIECE_WORDS = [
  'the',
  'a',
  'is',
  'in',
  'of',
  'and',
  'to',
  'at',
  'on',
  'new',
  'york',
  'paris',
  'london',
  'john',
  'smith',
  'apple',
  'google',
  'went',
  'lives',
  'works',
  'city',
  'today',
  'visit',
  'team',
  'play',
  'game',
  '##s',
  '##ing',
  '##ed',
  '##er',
  '##ly',
];

export function tinyWordPieceVocab(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  return [
    '[PAD]',
    '[UNK]',
    '[CLS]',
    '[SEP]',
    '[MASK]',
    ...'.,!?\'"-():;@#&'.split(''),
    ...'0123456789'.split(''),
    ...letters,
    ...letters.map((c) => `##${c}`),
    ...WORDPIECE_WORDS,
  ];
}

/** GPT-2's byte -> printable character table that byte-level BPE vocabularies are written in. */
export function bytesToUnicode(): string[] {
  const table: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  return table;
}

const BPE_WORDS = ['Ġthe', 'Ġnew', 'Ġyork', 'Ġparis', 'Ġjohn', 'Ġlives', 'Ġin', 'Ġat', 'ing', 'ed', 'er'];

/** A small but complete byte-level BPE vocabulary (all 256 byte symbols, so any text encodes) and its merges. */
export function tinyByteLevelBpe(): { vocab: string[]; merges: string[] } {
  const vocab = ['<s>', '<pad>', '</s>', '<unk>', ...bytesToUnicode()];
  const merges: string[] = [];
  const known = new Set(vocab);
  for (const word of BPE_WORDS) {
    const chars = Array.from(word);
    let left = chars[0];
    for (const right of chars.slice(1)) {
      const merged = left + right;
      if (!known.has(merged)) {
        merges.push(`${left} ${right}`);
        vocab.push(merged);
        known.add(merged);
      }
      left = merged;
    }
  }
  vocab.push('<mask>');
  return { vocab, merges };
}

/**
 * XLM-R's tokenizer: a SentencePiece Unigram model trained on WNUT-17 with XLM-R's normalisation (nmt_nfkc)
 * and converted by transformers' XLMRobertaConverter (tools/reference/make_sentencepiece_fixtures.py). Found
 * when an XLM-R model is written: the extension-host suite bundles this file as CommonJS and writes none.
 */
const xlmrTokenizerDir = () => join(__dirname, '..', 'fixtures', 'tokenizers', 'unigram-xlmr-converter');
let xlmrPieces: string[] | undefined;

function xlmrVocab(): string[] {
  xlmrPieces ??= (JSON.parse(readFileSync(join(xlmrTokenizerDir(), 'tokenizer.json'), 'utf8')) as { model: { vocab: [string, number][] } }).model.vocab.map(
    ([token]) => token,
  );
  return xlmrPieces;
}

/**
 * DeBERTa-v3's tokenizer: a SentencePiece Unigram model trained on WNUT-17 and converted by transformers'
 * DebertaV2Converter ([CLS] $A [SEP] $B [SEP]); [MASK] is added after the pieces, as in microsoft/deberta-v3-*.
 */
const debertaTokenizerDir = () => join(__dirname, '..', 'fixtures', 'tokenizers', 'unigram-deberta-v3-converter');
let debertaTokens: string[] | undefined;

function debertaVocab(): string[] {
  debertaTokens ??= [
    ...(JSON.parse(readFileSync(join(debertaTokenizerDir(), 'tokenizer.json'), 'utf8')) as { model: { vocab: [string, number][] } }).model.vocab.map(
      ([token]) => token,
    ),
    '[MASK]',
  ];
  return debertaTokens;
}

function vocabFor(family: ModelFamily): string[] {
  if (family === 'roberta') return tinyByteLevelBpe().vocab;
  if (family === 'xlm-roberta') return xlmrVocab();
  if (family === 'deberta-v2') return debertaVocab();
  return tinyWordPieceVocab();
}

/** The family's config.json, with the field names its own config class uses. */
export function tinyConfigJson(family: ModelFamily, options: TinyModelOptions = {}): Record<string, unknown> {
  const hidden = options.hiddenSize ?? 32;
  const layers = options.numLayers ?? 2;
  const heads = options.numHeads ?? 4;
  const intermediate = options.intermediateSize ?? 64;
  const maxPositions = options.maxPositions ?? 64;
  const act = options.hiddenAct ?? 'gelu';
  const vocabSize = vocabFor(family).length;
  if (family === 'distilbert') {
    return {
      architectures: ['DistilBertForMaskedLM'],
      model_type: 'distilbert',
      activation: act,
      attention_dropout: 0.1,
      dim: hidden,
      dropout: 0.1,
      hidden_dim: intermediate,
      initializer_range: 0.02,
      max_position_embeddings: maxPositions,
      n_heads: heads,
      n_layers: layers,
      pad_token_id: 0,
      qa_dropout: 0.1,
      seq_classif_dropout: 0.2,
      sinusoidal_pos_embds: false,
      tie_weights_: true,
      vocab_size: vocabSize,
    };
  }
  const roberta = family === 'roberta' || family === 'xlm-roberta';
  if (family === 'deberta-v2') {
    // As microsoft/deberta-v3-base's config.json, scaled down (8 buckets: short sentences reach the log buckets).
    return {
      architectures: ['DebertaV2ForMaskedLM'],
      model_type: 'deberta-v2',
      attention_probs_dropout_prob: 0.1,
      hidden_act: act,
      hidden_dropout_prob: 0.1,
      hidden_size: hidden,
      initializer_range: 0.02,
      intermediate_size: intermediate,
      layer_norm_eps: 1e-7,
      max_position_embeddings: maxPositions,
      max_relative_positions: -1,
      norm_rel_ebd: 'layer_norm',
      num_attention_heads: heads,
      num_hidden_layers: layers,
      pad_token_id: 0,
      pooler_dropout: 0,
      pooler_hidden_act: 'gelu',
      pooler_hidden_size: hidden,
      pos_att_type: ['p2c', 'c2p'],
      position_biased_input: false,
      position_buckets: 8,
      relative_attention: true,
      share_att_key: true,
      type_vocab_size: 0,
      vocab_size: vocabSize,
    };
  }
  if (family === 'modernbert') {
    // As answerdotai/ModernBERT-base's config.json (hub form), scaled down: global attention on layers 0 and 2.
    return {
      architectures: ['ModernBertForMaskedLM'],
      model_type: 'modernbert',
      attention_bias: false,
      attention_dropout: 0,
      bos_token_id: 2,
      cls_token_id: 2,
      eos_token_id: 3,
      sep_token_id: 3,
      pad_token_id: 0,
      embedding_dropout: 0,
      global_attn_every_n_layers: 2,
      global_rope_theta: 160000,
      local_rope_theta: 10000,
      local_attention: 8,
      hidden_activation: act,
      hidden_size: hidden,
      initializer_range: 0.02,
      intermediate_size: intermediate,
      max_position_embeddings: maxPositions,
      mlp_bias: false,
      mlp_dropout: 0,
      norm_bias: false,
      norm_eps: 1e-5,
      num_attention_heads: heads,
      num_hidden_layers: options.numLayers ?? 3,
      vocab_size: vocabSize,
    };
  }
  const common = {
    attention_probs_dropout_prob: 0.1,
    hidden_act: act,
    hidden_dropout_prob: 0.1,
    hidden_size: hidden,
    initializer_range: 0.02,
    intermediate_size: intermediate,
    num_attention_heads: heads,
    num_hidden_layers: layers,
    position_embedding_type: 'absolute',
    vocab_size: vocabSize,
  };
  if (roberta) {
    return {
      architectures: [family === 'roberta' ? 'RobertaForMaskedLM' : 'XLMRobertaForMaskedLM'],
      model_type: family,
      ...common,
      bos_token_id: 0,
      eos_token_id: 2,
      pad_token_id: 1,
      layer_norm_eps: 1e-5,
      max_position_embeddings: maxPositions + 2,
      type_vocab_size: 1,
    };
  }
  if (family === 'electra') {
    return {
      architectures: ['ElectraForPreTraining'],
      model_type: 'electra',
      ...common,
      embedding_size: options.embeddingSize ?? hidden / 2,
      layer_norm_eps: 1e-12,
      max_position_embeddings: maxPositions,
      pad_token_id: 0,
      type_vocab_size: 2,
    };
  }
  return {
    architectures: ['BertForMaskedLM'],
    model_type: 'bert',
    ...common,
    layer_norm_eps: 1e-12,
    max_position_embeddings: maxPositions,
    pad_token_id: 0,
    type_vocab_size: 2,
  };
}

export function tinyConfig(family: ModelFamily, options: TinyModelOptions = {}): EncoderConfig {
  return parseEncoderConfig(tinyConfigJson(family, options), `tiny ${family} config`);
}

function randomTensor(rng: SeededRandom, shape: number[], mean: number, std: number): Float32Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return { shape, data };
}

/** Random weights for every name expectedWeights lists (the pooler included), LayerNorm scales around 1. */
export function makeTinyWeights(config: EncoderConfig, seed = 1, std = 0.1): WeightMap {
  const rng = new SeededRandom(seed);
  const weights: WeightMap = new Map();
  for (const { name, shape } of expectedWeights(config)) {
    const isNormScale = /(LayerNorm|layer_norm|norm)\.weight$/.test(name);
    weights.set(name, randomTensor(rng, shape, isNormScale ? 1 : 0, std));
  }
  return weights;
}

/** The tensors a family's pre-training checkpoint carries besides the encoder (names without the prefix rule). */
function extraTensors(config: EncoderConfig, rng: SeededRandom, std: number, prefix: string): Map<string, TensorToWrite> {
  const H = config.hidden_size;
  const V = config.vocab_size;
  const extra = new Map<string, TensorToWrite>();
  const add = (name: string, shape: number[]): void => {
    extra.set(name, randomTensor(rng, shape, 0, std));
  };
  switch (config.model_type) {
    case 'bert': {
      add('cls.predictions.bias', [V]);
      add('cls.predictions.transform.dense.weight', [H, H]);
      add('cls.predictions.transform.dense.bias', [H]);
      add('cls.predictions.transform.LayerNorm.weight', [H]);
      add('cls.predictions.transform.LayerNorm.bias', [H]);
      add('cls.seq_relationship.weight', [2, H]);
      add('cls.seq_relationship.bias', [2]);
      // Older BERT checkpoints saved the position_ids buffer (int64).
      const P = config.max_position_embeddings;
      const ids = new DataView(new ArrayBuffer(P * 8));
      for (let i = 0; i < P; i++) ids.setBigInt64(i * 8, BigInt(i), true);
      extra.set(`${prefix}embeddings.position_ids`, { dtype: 'I64', shape: [1, P], bytes: new Uint8Array(ids.buffer) });
      break;
    }
    case 'roberta':
    case 'xlm-roberta':
      add('lm_head.dense.weight', [H, H]);
      add('lm_head.dense.bias', [H]);
      add('lm_head.layer_norm.weight', [H]);
      add('lm_head.layer_norm.bias', [H]);
      add('lm_head.bias', [V]);
      break;
    case 'distilbert':
      add('vocab_transform.weight', [H, H]);
      add('vocab_transform.bias', [H]);
      add('vocab_layer_norm.weight', [H]);
      add('vocab_layer_norm.bias', [H]);
      add('vocab_projector.bias', [V]);
      break;
    case 'modernbert':
      extra.set('head.dense.weight', randomTensor(rng, [H, H], 0, std));
      extra.set('head.norm.weight', randomTensor(rng, [H], 1, std));
      extra.set('decoder.bias', randomTensor(rng, [V], 0, std));
      break;
    case 'deberta-v2':
      add('lm_predictions.lm_head.dense.weight', [H, H]);
      add('lm_predictions.lm_head.dense.bias', [H]);
      add('lm_predictions.lm_head.LayerNorm.weight', [H]);
      add('lm_predictions.lm_head.LayerNorm.bias', [H]);
      add('lm_predictions.lm_head.bias', [V]);
      break;
    case 'electra':
      add('discriminator_predictions.dense.weight', [H, H]);
      add('discriminator_predictions.dense.bias', [H]);
      add('discriminator_predictions.dense_prediction.weight', [1, H]);
      add('discriminator_predictions.dense_prediction.bias', [1]);
      break;
  }
  return extra;
}

export async function writeTinyModel(dir: string, family: ModelFamily, options: TinyModelOptions = {}): Promise<TinyModel> {
  await mkdir(dir, { recursive: true });
  const seed = options.seed ?? 1;
  const std = options.std ?? 0.1;
  const dtype = options.dtype ?? 'F32';
  const configJson = tinyConfigJson(family, options);
  const config = parseEncoderConfig(configJson, join(dir, 'config.json'));
  const weights = makeTinyWeights(config, seed, std);
  if (dtype !== 'F32') {
    // What the loader returns is the rounded value; keep the expectation identical to it.
    for (const tensor of weights.values()) tensor.data = decodeToFloat32(dtype, encodeFromFloat32(dtype, tensor.data), tensor.data.length);
  }

  const prefix = (options.prefix ?? true) ? FAMILY_PREFIX[family] : '';
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, tensor] of weights) {
    const isNorm = /(LayerNorm|layer_norm)\.(weight|bias)$/.test(name);
    const stored = options.legacyLayerNormNames && isNorm ? name.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta') : name;
    tensors.set(prefix + stored, { ...tensor, dtype });
  }
  if (options.extraTensors ?? true) {
    for (const [name, tensor] of extraTensors(config, new SeededRandom(seed + 1), std, prefix)) tensors.set(name, tensor);
  }

  await writeFile(join(dir, 'config.json'), `${JSON.stringify(configJson, null, 2)}\n`);
  const vocab = vocabFor(family);
  await writeTokenizerFiles(dir, family, vocab);
  const files = await writeWeights(dir, tensors, options.shards ?? 1);
  return { dir, config, weights, vocab, files };
}

async function writeTokenizerFiles(dir: string, family: ModelFamily, vocab: string[]): Promise<void> {
  if (family === 'xlm-roberta' || family === 'deberta-v2') {
    const source = family === 'xlm-roberta' ? xlmrTokenizerDir() : debertaTokenizerDir();
    for (const name of ['tokenizer.json', 'tokenizer_config.json']) await copyFile(join(source, name), join(dir, name));
    return;
  }
  if (family === 'roberta') {
    const { merges } = tinyByteLevelBpe();
    await writeFile(join(dir, 'vocab.json'), JSON.stringify(Object.fromEntries(vocab.map((token, id) => [token, id]))));
    await writeFile(join(dir, 'merges.txt'), `#version: 0.2\n${merges.join('\n')}\n`);
    await writeFile(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify(
        {
          tokenizer_class: 'RobertaTokenizer',
          bos_token: '<s>',
          eos_token: '</s>',
          sep_token: '</s>',
          cls_token: '<s>',
          unk_token: '<unk>',
          pad_token: '<pad>',
          mask_token: '<mask>',
          add_prefix_space: false,
        },
        null,
        2,
      ),
    );
    return;
  }
  await writeFile(join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`);
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify(
      {
        tokenizer_class: family === 'distilbert' ? 'DistilBertTokenizer' : family === 'electra' ? 'ElectraTokenizer' : 'BertTokenizer',
        do_lower_case: true,
        unk_token: '[UNK]',
        sep_token: '[SEP]',
        pad_token: '[PAD]',
        cls_token: '[CLS]',
        mask_token: '[MASK]',
      },
      null,
      2,
    ),
  );
}

async function writeWeights(dir: string, tensors: Map<string, TensorToWrite>, shards: number): Promise<string[]> {
  if (shards <= 1) {
    const file = join(dir, 'model.safetensors');
    await writeSafetensors(file, tensors, { format: 'pt' });
    return [file];
  }
  const names = [...tensors.keys()];
  const perShard = Math.ceil(names.length / shards);
  const weightMap: Record<string, string> = {};
  const files: string[] = [];
  let totalSize = 0;
  for (let s = 0; s < shards; s++) {
    const shardName = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part = new Map(names.slice(s * perShard, (s + 1) * perShard).map((name) => [name, tensors.get(name)!]));
    for (const [name, tensor] of part) {
      weightMap[name] = shardName;
      totalSize += 'bytes' in tensor ? tensor.bytes.length : tensor.data.length * (tensor.dtype === 'F16' || tensor.dtype === 'BF16' ? 2 : 4);
    }
    await writeSafetensors(join(dir, shardName), part, { format: 'pt' });
    files.push(join(dir, shardName));
  }
  await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2));
  return files;
}
