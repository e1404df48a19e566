// The tokenizer.json that transformers' DebertaV2Converter writes for an spm.model, from the same choices that
// sentencePieceConverters.ts builds the tokenizer from. An export beside spm.model carries it, because transformers 5
// builds a different tokenizer from spm.model alone (it skips the precompiled character map), so Python would tokenise
// differently from what PASTA trained with.

import type { AddedToken } from './addedTokens';
import type { PrependScheme } from './preTokenizers';
import type { UnigramPiece } from './unigram';

export interface DebertaV2ConverterChoices {
  pieces: readonly UnigramPiece[];
  unkId: number;
  lowercase: boolean;
  /** normalizer_spec.precompiled_charsmap; empty where the model has none. */
  charsmap: Uint8Array;
  prependScheme: PrependScheme;
  splitByPunct: boolean;
  cls: [string, number];
  sep: [string, number];
}

export type TokenizerJson = Record<string, unknown>;

/** The tokenizer.json, given the added tokens as they end up (added_tokens.json may extend them). */
export function debertaV2ConverterJson(c: DebertaV2ConverterChoices, addedTokens: readonly AddedToken[]): TokenizerJson {
  const metaspace = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: c.prependScheme, split: true };
  const normalizers: TokenizerJson[] = [
    ...(c.lowercase ? [{ type: 'Lowercase' }] : []),
    { type: 'Strip', strip_left: true, strip_right: true },
    ...(c.charsmap.length > 0 ? [{ type: 'Precompiled', precompiled_charsmap: Buffer.from(c.charsmap).toString('base64') }] : []),
    { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
  ];
  const special = (token: string, typeId: number) => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const [cls, sep] = [c.cls[0], c.sep[0]];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens
      .slice()
      .sort((a, b) => a.id - b.id)
      .map((t) => ({
        id: t.id,
        content: t.content,
        single_word: t.singleWord,
        lstrip: t.lstrip,
        rstrip: t.rstrip,
        normalized: t.normalized,
        special: t.special,
      })),
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [...(c.splitByPunct ? [{ type: 'Punctuation', behavior: 'Isolated' }] : []), metaspace],
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(cls, 0), sequence('A', 0), special(sep, 0)],
      pair: [special(cls, 0), sequence('A', 0), special(sep, 0), sequence('B', 1), special(sep, 1)],
      special_tokens: Object.fromEntries([c.cls, c.sep].map(([token, id]) => [token, { id: token, ids: [id], tokens: [token] }])),
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: c.unkId, vocab: c.pieces.map((p) => [p.token, p.score]), byte_fallback: false },
  };
}
