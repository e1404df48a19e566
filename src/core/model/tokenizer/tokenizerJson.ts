// tokenizer.json (Hugging Face `tokenizers`' serialisation) -> the parts of a Tokenizer.

import type { AddedToken } from './addedTokens';
import { Bpe } from './bpe';
import type { JsonValue } from './jsonValue';
import type { TokenizerModel } from './model';
import { normalizerFromJson } from './normalizers';
import { postProcessorFromJson } from './postProcessors';
import { preTokenizerFromJson } from './preTokenizers';
import type { NamedTokens } from './specialTokens';
import type { TokenizerParts } from './tokenizer';
import { Unigram, type UnigramPiece } from './unigram';
import { WordPiece } from './wordPiece';

/** Token ids stay below 2^24 (the largest real vocabularies hold ~260k). */
export const MAX_TOKEN_ID = 2 ** 24;

export function readVocab(json: JsonValue): Map<string, number> {
  const vocab = new Map<string, number>();
  for (const [token, id] of json.entries()) vocab.set(token, id.index(MAX_TOKEN_ID));
  if (vocab.size === 0) json.fail('the vocabulary is empty');
  return vocab;
}

function modelFromJson(json: JsonValue): TokenizerModel {
  if (json.isNull) json.fail('missing (a tokenizer.json needs a "model")');
  const declared = json.get('type').optionalString();
  const type = declared ?? (json.has('merges') ? 'BPE' : json.has('max_input_chars_per_word') ? 'WordPiece' : undefined);
  switch (type) {
    case 'WordPiece':
      return new WordPiece(
        readVocab(json.get('vocab')),
        {
          unkToken: json.get('unk_token').optionalString() ?? '[UNK]',
          continuingSubwordPrefix: json.get('continuing_subword_prefix').optionalString() ?? '##',
          maxInputCharsPerWord: json.get('max_input_chars_per_word').index(2 ** 31, 100),
        },
        json.file,
      );
    case 'BPE': {
      if (json.get('byte_fallback').boolean(false)) json.get('byte_fallback').fail('BPE byte_fallback is not supported');
      const merges = json
        .get('merges')
        .items()
        .map((merge) => {
          if (typeof merge.value === 'string') {
            const parts = merge.string().split(' ');
            if (parts.length !== 2) merge.fail(`expected "left right", found "${merge.string()}"`);
            return parts as [string, string];
          }
          const parts = merge.items().map((part) => part.string());
          if (parts.length !== 2) merge.fail(`expected [left, right], found ${parts.length} parts`);
          return parts as [string, string];
        });
      const mergesPath = json.get('merges').path;
      return new Bpe(
        readVocab(json.get('vocab')),
        merges,
        {
          unkToken: json.get('unk_token').optionalString(),
          continuingSubwordPrefix: json.get('continuing_subword_prefix').optionalString(),
          endOfWordSuffix: json.get('end_of_word_suffix').optionalString(),
          fuseUnk: json.get('fuse_unk').boolean(false),
          ignoreMerges: json.get('ignore_merges').boolean(false),
        },
        { file: json.file, describe: (i) => ({ where: `${mergesPath}[${i}]` }) },
      );
    }
    case 'Unigram':
      return unigramFromJson(json);
    case undefined:
      return json.fail('has no "type" (expected WordPiece, BPE or Unigram)');
    default:
      return json.get('type').fail(`model '${type}' is not supported (supported: WordPiece, BPE, Unigram)`);
  }
}

/** Unigram's vocab: [token, score] pairs, the id being the position; unk_id must name one of them. */
function unigramFromJson(json: JsonValue): Unigram {
  const vocab = json.get('vocab');
  const items = vocab.items();
  if (items.length === 0) vocab.fail('the vocabulary is empty');
  if (items.length > MAX_TOKEN_ID) vocab.fail(`more than ${MAX_TOKEN_ID} pieces`);
  const pieces = items.map((item): UnigramPiece => {
    const pair = item.items();
    if (pair.length !== 2) item.fail(`expected [token, score], found ${pair.length} values`);
    const score = pair[1].value;
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      pair[1].fail(`expected a finite score, found ${typeof score === 'number' ? score : (JSON.stringify(score) ?? 'nothing')}`);
    }
    return { token: pair[0].string(), score: score as number };
  });
  const unkId = json.get('unk_id');
  if (unkId.isNull) unkId.fail('missing (a Unigram model needs an unknown token for characters outside its vocabulary)');
  return new Unigram(pieces, unkId.index(pieces.length), json.get('byte_fallback').boolean(false));
}

function addedTokensFromJson(json: JsonValue): AddedToken[] {
  if (json.isNull) return [];
  return json.items().map((item) => {
    const special = item.get('special').boolean(false);
    const content = item.get('content').string();
    if (content.length === 0) item.get('content').fail('an added token cannot be empty');
    return {
      id: item.get('id').index(MAX_TOKEN_ID),
      content,
      singleWord: item.get('single_word').boolean(false),
      lstrip: item.get('lstrip').boolean(false),
      rstrip: item.get('rstrip').boolean(false),
      normalized: item.get('normalized').boolean(!special),
      special,
    };
  });
}

/** The parts of a tokenizer.json, and the special tokens it names (model unk, post-processor cls/sep, padding). */
export function partsFromTokenizerJson(root: JsonValue): {
  parts: Omit<TokenizerParts, 'specialTokens' | 'source' | 'modelMaxLength'>;
  named: NamedTokens;
} {
  if (!root.isObject) root.fail('expected a JSON object');
  const model = modelFromJson(root.get('model'));
  const postProcessor = postProcessorFromJson(root.get('post_processor'));
  const named: NamedTokens = {};
  const file = root.file;
  if (model.unkToken !== undefined) named.unk = { content: model.unkToken, file };
  if (postProcessor?.roles.cls) named.cls = { content: postProcessor.roles.cls[0], file };
  if (postProcessor?.roles.sep) named.sep = { content: postProcessor.roles.sep[0], file };
  const padding = root.get('padding');
  if (!padding.isNull) {
    const padToken = padding.get('pad_token').optionalString();
    if (padToken !== undefined) named.pad = { content: padToken, file };
  }
  return {
    parts: {
      model,
      normalizer: normalizerFromJson(root.get('normalizer')),
      preTokenizer: preTokenizerFromJson(root.get('pre_tokenizer')),
      postProcessor,
      addedTokens: addedTokensFromJson(root.get('added_tokens')),
    },
    named,
  };
}
