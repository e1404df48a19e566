// Folders without tokenizer.json: BERT's vocab.txt, RoBERTa's vocab.json + merges.txt, configured by
// tokenizer_config.json the way transformers' BertTokenizer / RobertaTokenizer read them.

import { InputError } from '../../data/types';
import type { AddedToken } from './addedTokens';
import { Bpe } from './bpe';
import type { JsonValue } from './jsonValue';
import { bertNormalizer } from './normalizers';
import { bertProcessing, robertaProcessing } from './postProcessors';
import { bertPreTokenizer, byteLevel } from './preTokenizers';
import { type NamedToken, type NamedTokens, ROLES, type Role } from './specialTokens';
import type { TokenizerParts } from './tokenizer';
import { MAX_TOKEN_ID, readVocab } from './tokenizerJson';
import { WordPiece } from './wordPiece';

type Parts = Omit<TokenizerParts, 'specialTokens' | 'source' | 'modelMaxLength'>;

/** One token per line; the line number (from 0) is the id. */
export function parseVocabTxt(text: string, file: string): Map<string, number> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new InputError(file, undefined, 'the vocabulary is empty');
  if (lines.length > MAX_TOKEN_ID) throw new InputError(file, undefined, `more than ${MAX_TOKEN_ID} lines`);
  const vocab = new Map<string, number>();
  lines.forEach((line, i) => {
    if (line.includes('\0')) throw new InputError(file, i + 1, 'contains a NUL character (not a vocab.txt?)');
    vocab.set(line.trimEnd(), i);
  });
  return vocab;
}

/** "left right" per line after an optional "#version" header. */
export function parseMergesTxt(text: string, file: string): { merges: [string, string][]; lines: number[] } {
  const merges: [string, string][] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new InputError(file, i + 1, `expected "left right", found "${line.slice(0, 60)}"`);
    }
    merges.push(parts as [string, string]);
    lines.push(i + 1);
  });
  return { merges, lines };
}

export function withDefaults(named: NamedTokens, defaults: Record<Role, string | undefined>, file: string): NamedTokens {
  const out: NamedTokens = { ...named };
  for (const role of ROLES) {
    const token = defaults[role];
    if (!out[role] && token !== undefined) out[role] = { content: token, file };
  }
  return out;
}

function specialAddedTokens(named: NamedTokens, lookup: (token: string) => number | undefined): AddedToken[] {
  const seen = new Set<string>();
  const out: AddedToken[] = [];
  for (const token of Object.values(named) as NamedToken[]) {
    const id = lookup(token.content);
    if (id === undefined || seen.has(token.content)) continue;
    seen.add(token.content);
    out.push({
      id,
      content: token.content,
      singleWord: token.singleWord ?? false,
      lstrip: token.lstrip ?? false,
      rstrip: token.rstrip ?? false,
      normalized: token.normalized ?? false,
      special: true,
    });
  }
  return out;
}

/**
 * The added tokens of tokenizer_config.json's added_tokens_decoder ({"id": {content, lstrip, ...}}), which
 * transformers writes with each token's real flags; they replace the defaults of the same content.
 */
export function withConfigAddedTokens(defaults: AddedToken[], config: JsonValue | undefined): AddedToken[] {
  const decoder = option(config, 'added_tokens_decoder');
  if (!decoder || decoder.isNull) return defaults;
  const byContent = new Map(defaults.map((t) => [t.content, t]));
  for (const [key, value] of decoder.entries()) {
    if (!/^\d+$/.test(key) || Number(key) >= MAX_TOKEN_ID) value.fail(`"${key}" is not a token id`);
    const special = value.get('special').boolean(false);
    const content = value.get('content').string();
    if (content.length === 0) value.get('content').fail('an added token cannot be empty');
    byContent.set(content, {
      id: Number(key),
      content,
      singleWord: value.get('single_word').boolean(false),
      lstrip: value.get('lstrip').boolean(false),
      rstrip: value.get('rstrip').boolean(false),
      normalized: value.get('normalized').boolean(!special),
      special,
    });
  }
  return [...byContent.values()];
}

export function option(config: JsonValue | undefined, key: string): JsonValue | undefined {
  return config && config.isObject && config.has(key) ? config.get(key) : undefined;
}

/** BERT-style WordPiece from vocab.txt; `named` holds the special tokens the config files name. */
export function partsFromVocabTxt(
  vocabText: string,
  vocabFile: string,
  config: JsonValue | undefined,
  named: NamedTokens,
): { parts: Parts; named: NamedTokens } {
  const vocab = parseVocabTxt(vocabText, vocabFile);
  const all = withDefaults(named, { cls: '[CLS]', sep: '[SEP]', pad: '[PAD]', unk: '[UNK]', mask: '[MASK]', bos: undefined, eos: undefined }, vocabFile);
  const lowercase = option(config, 'do_lower_case')?.boolean(true) ?? true;
  const lookup = (token: string): number | undefined => vocab.get(token);
  const idOf = (role: 'cls' | 'sep'): [string, number] => {
    const token = all[role]!;
    const id = lookup(token.content);
    if (id === undefined) throw new InputError(token.file, undefined, `${role}_token '${token.content}' is not in ${vocabFile}`);
    return [token.content, id];
  };
  return {
    parts: {
      model: new WordPiece(vocab, { unkToken: all.unk!.content, continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 }, vocabFile),
      normalizer: bertNormalizer({
        cleanText: true,
        handleChineseChars: option(config, 'tokenize_chinese_chars')?.boolean(true) ?? true,
        stripAccents: option(config, 'strip_accents')?.optionalBoolean() ?? null,
        lowercase,
      }),
      preTokenizer: bertPreTokenizer,
      postProcessor: bertProcessing(idOf('cls'), idOf('sep')),
      addedTokens: withConfigAddedTokens(specialAddedTokens(all, lookup), config),
    },
    named: all,
  };
}

/** RoBERTa-style byte-level BPE from vocab.json + merges.txt. */
export function partsFromVocabJson(
  vocabJson: JsonValue,
  mergesText: string,
  mergesFile: string,
  config: JsonValue | undefined,
  named: NamedTokens,
): { parts: Parts; named: NamedTokens } {
  const vocab = readVocab(vocabJson);
  const { merges, lines } = parseMergesTxt(mergesText, mergesFile);
  const all = withDefaults(named, { cls: '<s>', sep: '</s>', bos: '<s>', eos: '</s>', pad: '<pad>', unk: '<unk>', mask: '<mask>' }, vocabJson.file);
  const addPrefixSpace = option(config, 'add_prefix_space')?.boolean(false) ?? false;
  const trimOffsets = option(config, 'trim_offsets')?.boolean(true) ?? true;
  const lookup = (token: string): number | undefined => vocab.get(token);
  const idOf = (role: 'cls' | 'sep'): [string, number] => {
    const token = all[role]!;
    const id = lookup(token.content);
    if (id === undefined) throw new InputError(token.file, undefined, `${role}_token '${token.content}' is not in ${vocabJson.file}`);
    return [token.content, id];
  };
  return {
    parts: {
      model: new Bpe(
        vocab,
        merges,
        { fuseUnk: false, ignoreMerges: false },
        {
          file: mergesFile,
          describe: (i) => ({ line: lines[i], where: 'merge' }),
        },
      ),
      preTokenizer: byteLevel({ addPrefixSpace, useRegex: true }),
      postProcessor: robertaProcessing(idOf('cls'), idOf('sep'), trimOffsets, addPrefixSpace),
      addedTokens: withConfigAddedTokens(specialAddedTokens(all, lookup), config),
    },
    named: all,
  };
}
