// loadTokenizer(dir): tokenizer.json where there is one (WordPiece, BPE, Unigram), else vocab.txt (BERT), vocab.json + merges.txt
// (RoBERTa) or a SentencePiece model (DeBERTa-v3's spm.model, XLM-R's sentencepiece.bpe.model), with the special tokens that
// tokenizer_config.json and special_tokens_map.json name (and, without tokenizer.json, the tokens of added_tokens.json).

import { join } from 'node:path';
import { InputError } from '../../data/types';
import { withAddedTokensJson } from './addedTokensJson';
import { exists, readBytes, readJson, readOptionalJson, readText, SENTENCEPIECE_MODEL_FILES } from './files';
import type { JsonValue } from './jsonValue';
import { partsFromSentencePiece } from './sentencePieceConverters';
import { parseSentencePieceModel } from './sentencePieceModel';
import { type NamedTokens, namedInConfig, resolveSpecialTokens } from './specialTokens';
import { Tokenizer, type TokenizerParts } from './tokenizer';
import { partsFromTokenizerJson } from './tokenizerJson';
import { partsFromVocabJson, partsFromVocabTxt } from './vocabFiles';

/** transformers writes this when a tokenizer has no length limit. */
const NO_LIMIT = 1e29;

export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const file = (name: string): string => join(dir, name);
  const config = await readOptionalJson(file('tokenizer_config.json'));
  const specialTokensMap = await readOptionalJson(file('special_tokens_map.json'));
  const configured = namedInConfig(config, specialTokensMap);

  let built: { parts: Omit<TokenizerParts, 'specialTokens' | 'source' | 'modelMaxLength'>; named: NamedTokens };
  const hasTokenizerJson = await exists(file('tokenizer.json'));
  if (hasTokenizerJson) {
    const fromJson = partsFromTokenizerJson(await readJson(file('tokenizer.json')));
    built = { parts: fromJson.parts, named: { ...fromJson.named, ...configured } };
  } else if (await exists(file('vocab.txt'))) {
    built = partsFromVocabTxt(await readText(file('vocab.txt')), file('vocab.txt'), config, configured);
  } else if ((await exists(file('vocab.json'))) && (await exists(file('merges.txt')))) {
    built = partsFromVocabJson(await readJson(file('vocab.json')), await readText(file('merges.txt')), file('merges.txt'), config, configured);
  } else {
    const sentencePiece = await firstExisting(SENTENCEPIECE_MODEL_FILES.map(file));
    if (!sentencePiece) {
      throw new InputError(dir, undefined, 'no tokenizer found (expected tokenizer.json, vocab.txt, vocab.json with merges.txt, or spm.model)');
    }
    built = partsFromSentencePiece(parseSentencePieceModel(await readBytes(sentencePiece), sentencePiece), config, configured);
  }
  if (!hasTokenizerJson) {
    const { parts, named } = built;
    parts.addedTokens = withAddedTokensJson(parts.addedTokens, await readOptionalJson(file('added_tokens.json')), named, parts.model.vocab);
  }

  const { parts, named } = built;
  const lookup = (token: string): number | undefined => parts.addedTokens.find((t) => t.content === token)?.id ?? parts.model.vocab.get(token);
  return new Tokenizer({
    ...parts,
    specialTokens: resolveSpecialTokens(named, parts.addedTokens, lookup, dir),
    modelMaxLength: modelMaxLength(config),
    source: dir,
  });
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const path of paths) if (await exists(path)) return path;
  return undefined;
}

function modelMaxLength(config: JsonValue | undefined): number | undefined {
  if (!config || !config.has('model_max_length')) return undefined;
  const value = config.get('model_max_length').value;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < NO_LIMIT ? value : undefined;
}
