// The tokenizer of a folder that holds a SentencePiece model and no tokenizer.json (microsoft/deberta-v3-*), built
// as transformers' converters build it (convert_slow_tokenizer.py): DebertaV2Converter for DeBERTa-v2/v3's
// spm.model, XLMRobertaConverter for XLM-R's sentencepiece.bpe.model, then the special tokens the tokenizer class
// adds and the options of tokenizer_config.json.

import { basename } from 'node:path';
import { InputError } from '../../data/types';
import type { AddedToken } from './addedTokens';
import type { JsonValue } from './jsonValue';
import { type Normalizer, lowercase, replace, sequence, strip } from './normalizers';
import { templateProcessing, type PostProcessor } from './postProcessors';
import { CharsMap, precompiled } from './precompiled';
import { type PrependScheme, metaspace, punctuation, sequence as preTokenizerSequence } from './preTokenizers';
import { debertaV2ConverterJson } from './sentencePieceJson';
import { PieceType, type SentencePieceModel } from './sentencePieceModel';
import type { NamedToken, NamedTokens, Role } from './specialTokens';
import type { TokenizerParts } from './tokenizer';
import { Unigram, type UnigramPiece } from './unigram';
import { option, withConfigAddedTokens, withDefaults } from './vocabFiles';

type Parts = Omit<TokenizerParts, 'specialTokens' | 'source' | 'modelMaxLength'>;
type Converter = 'DebertaV2' | 'XLMRoberta';

/** The model file each tokenizer class reads (its VOCAB_FILES_NAMES). */
const CONVERTER_OF_FILE: Record<string, Converter> = { 'spm.model': 'DebertaV2', 'sentencepiece.bpe.model': 'XLMRoberta' };
const CONVERTER_OF_CLASS: Record<string, Converter> = {
  DebertaV2Tokenizer: 'DebertaV2',
  DebertaV2TokenizerFast: 'DebertaV2',
  XLMRobertaTokenizer: 'XLMRoberta',
  XLMRobertaTokenizerFast: 'XLMRoberta',
};

/** The tokenizer classes' defaults: DebertaV2Tokenizer's and XLMRobertaTokenizer's __init__. */
const DEFAULT_TOKENS: Record<Converter, Record<Role, string>> = {
  DebertaV2: { bos: '[CLS]', eos: '[SEP]', unk: '[UNK]', sep: '[SEP]', pad: '[PAD]', cls: '[CLS]', mask: '[MASK]' },
  XLMRoberta: { bos: '<s>', eos: '</s>', unk: '<unk>', sep: '</s>', pad: '<pad>', cls: '<s>', mask: '<mask>' },
};

/** The order transformers adds the special tokens in (SPECIAL_TOKENS_ATTRIBUTES), which decides the ids of new ones. */
const ADD_ORDER: readonly Role[] = ['bos', 'eos', 'unk', 'sep', 'pad', 'cls', 'mask'];

const METASPACE = 0x2581;

function converterFor(model: SentencePieceModel, config: JsonValue | undefined): Converter {
  const name = basename(model.file);
  const converter = CONVERTER_OF_FILE[name];
  if (!converter) {
    throw new InputError(
      model.file,
      undefined,
      'no tokenizer.json beside it, and only DeBERTa-v2/v3 (spm.model) and XLM-R (sentencepiece.bpe.model) SentencePiece models are read without one',
    );
  }
  const declared = option(config, 'tokenizer_class');
  if (declared && !declared.isNull && CONVERTER_OF_CLASS[declared.string()] !== converter) {
    declared.fail(`'${declared.string()}' does not read ${name} (${converter === 'DebertaV2' ? 'DebertaV2Tokenizer' : 'XLMRobertaTokenizer'} does)`);
  }
  return converter;
}

/** XLMRobertaConverter moves fairseq's four specials to the front and appends <mask>; DeBERTa keeps the pieces. */
function vocabulary(model: SentencePieceModel, converter: Converter): { pieces: UnigramPiece[]; unkId: number } {
  const pieces = model.pieces.map(({ piece, score }): UnigramPiece => ({ token: piece, score }));
  if (converter === 'DebertaV2') return { pieces, unkId: model.trainerSpec.unkId };
  const specials = ['<s>', '<pad>', '</s>', '<unk>'].map((token) => ({ token, score: 0 }));
  return { pieces: [...specials, ...pieces.slice(3), { token: '<mask>', score: 0 }], unkId: 3 };
}

function charsMapNormalizer(model: SentencePieceModel): Normalizer[] {
  const bytes = model.normalizerSpec.precompiledCharsmap;
  if (bytes.length === 0) return [];
  const map = CharsMap.parse(bytes);
  if (typeof map === 'string') throw new InputError(model.file, undefined, `normalizer_spec.precompiled_charsmap: broken charsmap: ${map}`);
  return [precompiled(map)];
}

function normalizer(model: SentencePieceModel, converter: Converter, config: JsonValue | undefined): Normalizer {
  if (converter === 'XLMRoberta') return sequence([...charsMapNormalizer(model), strip(false, true), replace(/ {2,}/gu, '\u2581')]);
  const lower = option(config, 'do_lower_case')?.boolean(false) ? [lowercase] : [];
  return sequence([...lower, strip(true, true), ...charsMapNormalizer(model), replace(/ {2,}/gu, ' ')]);
}

/** transformers' _get_prepend_scheme: add_prefix_space (default true), "first" where legacy is false. */
function prependScheme(config: JsonValue | undefined): PrependScheme {
  if (!(option(config, 'add_prefix_space')?.boolean(true) ?? true)) return 'never';
  return option(config, 'legacy')?.boolean(true) === false ? 'first' : 'always';
}

function postProcessor(converter: Converter, cls: [string, number], sep: [string, number]): PostProcessor {
  const specials = new Map([cls, sep].map(([token, id]) => [token, { ids: [id], tokens: [token] }]));
  const single = [
    { special: cls[0], typeId: 0 },
    { sequence: 0 as const, typeId: 0 },
    { special: sep[0], typeId: 0 },
  ];
  const pair =
    converter === 'DebertaV2'
      ? [...single, { sequence: 1 as const, typeId: 1 }, { special: sep[0], typeId: 1 }]
      : [...single, { special: sep[0], typeId: 0 }, { sequence: 1 as const, typeId: 0 }, { special: sep[0], typeId: 0 }];
  return templateProcessing(single, pair, specials);
}

/**
 * The model's CONTROL and USER_DEFINED pieces (the converter's added tokens), then the class's special tokens:
 * those in the vocabulary keep their id, new ones ([MASK] of DeBERTa-v3) follow the vocabulary.
 */
function addedTokens(model: SentencePieceModel, vocab: ReadonlyMap<string, number>, named: NamedTokens): AddedToken[] {
  const byContent = new Map<string, AddedToken>();
  const add = (content: string, id: number, special: boolean, flags: Partial<NamedToken> = {}): void => {
    byContent.set(content, {
      id,
      content,
      singleWord: flags.singleWord ?? false,
      lstrip: flags.lstrip ?? false,
      rstrip: flags.rstrip ?? false,
      normalized: flags.normalized ?? false,
      special,
    });
  };
  for (const { piece, type } of model.pieces) {
    if (type === PieceType.CONTROL || type === PieceType.USER_DEFINED) add(piece, vocab.get(piece)!, type === PieceType.CONTROL);
  }
  let next = vocab.size;
  for (const role of ADD_ORDER) {
    const token = named[role];
    if (!token) continue;
    const id = vocab.get(token.content) ?? byContent.get(token.content)?.id ?? next++;
    add(token.content, id, true, token);
  }
  return [...byContent.values()];
}

export function partsFromSentencePiece(
  model: SentencePieceModel,
  config: JsonValue | undefined,
  configured: NamedTokens,
): { parts: Parts; named: NamedTokens } {
  const converter = converterFor(model, config);
  const { pieces, unkId } = vocabulary(model, converter);
  const unigram = new Unigram(pieces, unkId, false);
  const named = withDefaults(configured, DEFAULT_TOKENS[converter], model.file);
  if (converter === 'XLMRoberta' && !configured.mask) named.mask = { content: '<mask>', file: model.file, lstrip: true };
  const added = withConfigAddedTokens(addedTokens(model, unigram.vocab, named), config);
  const idOf = (role: 'cls' | 'sep'): [string, number] => {
    const token = named[role]!;
    const id = added.find((t) => t.content === token.content)?.id ?? unigram.vocab.get(token.content);
    if (id === undefined) throw new InputError(token.file, undefined, `${role}_token '${token.content}' is not in ${model.file}`);
    return [token.content, id];
  };
  const splitByPunct = converter === 'DebertaV2' && (option(config, 'split_by_punct')?.boolean(false) ?? false);
  const choices = {
    pieces,
    unkId,
    lowercase: option(config, 'do_lower_case')?.boolean(false) ?? false,
    charsmap: model.normalizerSpec.precompiledCharsmap,
    prependScheme: prependScheme(config),
    splitByPunct,
    cls: idOf('cls'),
    sep: idOf('sep'),
  };
  return {
    parts: {
      ...(converter === 'DebertaV2' ? { converterJson: (finalAdded: readonly AddedToken[]) => debertaV2ConverterJson(choices, finalAdded) } : {}),
      model: unigram,
      normalizer: normalizer(model, converter, config),
      preTokenizer: preTokenizerSequence([
        ...(splitByPunct ? [punctuation('Isolated')] : []),
        metaspace({ replacement: METASPACE, prependScheme: prependScheme(config), split: true }),
      ]),
      postProcessor: postProcessor(converter, choices.cls, choices.sep),
      addedTokens: added,
    },
    named,
  };
}
