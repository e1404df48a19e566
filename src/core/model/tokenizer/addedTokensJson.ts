// added_tokens.json ({"content": id}): the tokens older transformers saved beside a vocabulary or a SentencePiece model
// (a DeBERTa-v3 fine-tune's [MASK] and any token added to it), read as transformers reads it: special where the
// content is one of the named special tokens, normalized otherwise, replacing a token of the same content.

import type { AddedToken } from './addedTokens';
import type { JsonValue } from './jsonValue';
import type { NamedToken, NamedTokens } from './specialTokens';
import { MAX_TOKEN_ID } from './tokenizerJson';

export function withAddedTokensJson(tokens: AddedToken[], json: JsonValue | undefined, named: NamedTokens, vocab: ReadonlyMap<string, number>): AddedToken[] {
  if (!json) return tokens;
  if (!json.isObject) json.fail('expected an object of {"token": id}');
  let vocabEnd = 0;
  for (const id of vocab.values()) vocabEnd = Math.max(vocabEnd, id + 1);
  const specials = new Set((Object.values(named) as NamedToken[]).map((token) => token.content));
  const byContent = new Map(tokens.map((token) => [token.content, token]));
  for (const [content, value] of json.entries()) {
    const id = value.index(MAX_TOKEN_ID);
    if (content.length === 0) value.fail('an added token cannot be empty');
    const inVocab = vocab.get(content);
    if (inVocab !== undefined && inVocab !== id) value.fail(`the vocabulary has '${content}' at ${inVocab}`);
    if (inVocab === undefined && id < vocabEnd) value.fail(`${id} is inside the vocabulary (ids below ${vocabEnd}), not after it`);
    const special = specials.has(content);
    byContent.set(content, { id, content, singleWord: false, lstrip: false, rstrip: false, normalized: !special, special });
  }
  return [...byContent.values()];
}
