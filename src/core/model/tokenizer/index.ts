// Tokenizers with character offsets: WordPiece, byte-level BPE and SentencePiece Unigram, matching Hugging Face `tokenizers`.

export { loadTokenizer } from './load';
export { Tokenizer, type EncodeOptions, type SpecialTokens, type TokenizerParts } from './tokenizer';
export type { Encoding } from './encoding';
export type { AddedToken } from './addedTokens';
