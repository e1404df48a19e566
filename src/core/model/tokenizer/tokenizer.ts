// The tokenizer pipeline of Hugging Face `tokenizers`: added tokens -> normalizer -> pre-tokenizer ->
// model (WordPiece / BPE / Unigram) -> truncation -> post-processor, with offsets into the original text throughout.

import { type AddedToken, AddedTokenMatcher } from './addedTokens';
import { type Encoding, concatEncodings, emptyEncoding, longestFirstLengths, truncateEncoding } from './encoding';
import type { TokenizerModel } from './model';
import { NormalizedString } from './normalizedString';
import type { Normalizer } from './normalizers';
import type { PostProcessor, SequenceContext } from './postProcessors';
import type { PreTokenizer } from './preTokenizers';
import type { TokenizerJson } from './sentencePieceJson';

export interface EncodeOptions {
  /** Insert [CLS]/[SEP] (or <s>/</s>) as the post-processor says; default true. */
  addSpecialTokens?: boolean;
  /** Keep at most this many tokens, special tokens included (longest-first for pairs). */
  maxLength?: number;
}

/** Token ids by role, read from the tokenizer's own files. */
export interface SpecialTokens {
  cls?: number;
  sep?: number;
  bos?: number;
  eos?: number;
  pad: number;
  unk: number;
  mask?: number;
}

export interface TokenizerParts {
  model: TokenizerModel;
  normalizer?: Normalizer;
  preTokenizer?: PreTokenizer;
  postProcessor?: PostProcessor;
  addedTokens: AddedToken[];
  specialTokens: SpecialTokens;
  /** tokenizer_config.json's model_max_length, where it is a real limit. */
  modelMaxLength?: number;
  /** The folder or file the tokenizer came from. */
  source: string;
  /** Built from a SentencePiece model (no tokenizer.json): the tokenizer.json transformers' converter writes for it. */
  converterJson?: (addedTokens: readonly AddedToken[]) => TokenizerJson;
}

export class Tokenizer {
  readonly specialTokens: SpecialTokens;
  /** Every id that is a special token: special added tokens and the roles above. */
  readonly specialTokenIds: Set<number>;
  /** One more than the largest token id (vocabulary and added tokens): the embedding rows needed. */
  readonly vocabSize: number;
  readonly modelMaxLength: number | undefined;
  readonly source: string;
  readonly model: TokenizerModel;
  private readonly normalizer: Normalizer | undefined;
  private readonly preTokenizer: PreTokenizer | undefined;
  private readonly postProcessor: PostProcessor | undefined;
  private readonly rawMatcher: AddedTokenMatcher;
  private readonly normalizedMatcher: AddedTokenMatcher;
  private readonly tokensById = new Map<number, string>();
  private readonly idsByToken = new Map<string, number>();
  private readonly addedTokens: readonly AddedToken[];
  private readonly converterJson: TokenizerParts['converterJson'];

  constructor(parts: TokenizerParts) {
    this.addedTokens = parts.addedTokens;
    this.converterJson = parts.converterJson;
    this.model = parts.model;
    this.normalizer = parts.normalizer;
    this.preTokenizer = parts.preTokenizer;
    this.postProcessor = parts.postProcessor;
    this.specialTokens = parts.specialTokens;
    this.modelMaxLength = parts.modelMaxLength;
    this.source = parts.source;
    for (const [token, id] of parts.model.vocab) {
      this.idsByToken.set(token, id);
      this.tokensById.set(id, token);
    }
    for (const added of parts.addedTokens) {
      this.idsByToken.set(added.content, added.id);
      this.tokensById.set(added.id, added.content);
    }
    let maxId = -1;
    for (const id of this.tokensById.keys()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    this.specialTokenIds = new Set(parts.addedTokens.filter((t) => t.special).map((t) => t.id));
    for (const id of Object.values(parts.specialTokens)) if (id !== undefined) this.specialTokenIds.add(id);
    this.rawMatcher = new AddedTokenMatcher(parts.addedTokens.filter((t) => !t.normalized).map((token) => ({ text: token.content, token })));
    this.normalizedMatcher = new AddedTokenMatcher(
      parts.addedTokens.filter((t) => t.normalized).map((token) => ({ text: this.normalize(NormalizedString.fromText(token.content)).toString(), token })),
    );
  }

  /**
   * For a tokenizer built from spm.model (no tokenizer.json): the tokenizer.json of transformers' converter, which
   * loads as this tokenizer; undefined for one read from tokenizer.json or vocabulary files.
   */
  convertedTokenizerJson(): TokenizerJson | undefined {
    return this.converterJson?.(this.addedTokens);
  }

  tokenToId(token: string): number | undefined {
    return this.idsByToken.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokensById.get(id);
  }

  /** Number of special tokens `encode` adds to one sequence or a pair. */
  numSpecialTokensToAdd(isPair: boolean): number {
    return this.postProcessor?.addedTokens(isPair) ?? 0;
  }

  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoding {
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const contexts: SequenceContext[] = [{ text, virtualPrefix: new Set() }];
    let first = this.encodeSequence(contexts[0], 0);
    let second: Encoding | undefined;
    if (pair !== undefined) {
      contexts.push({ text: pair, virtualPrefix: new Set() });
      second = this.encodeSequence(contexts[1], 1);
    }
    if (options.maxLength !== undefined) {
      if (!Number.isInteger(options.maxLength) || options.maxLength < 0) {
        throw new RangeError(`maxLength must be a non-negative integer, got ${options.maxLength}`);
      }
      const added = addSpecialTokens ? this.numSpecialTokensToAdd(second !== undefined) : 0;
      const budget = options.maxLength - added;
      if (budget < 0) {
        throw new RangeError(`maxLength ${options.maxLength} cannot hold the ${added} special tokens of ${this.source}`);
      }
      if (second === undefined) {
        first = truncateEncoding(first, budget);
      } else {
        const [n1, n2] = longestFirstLengths(first.ids.length, second.ids.length, budget);
        first = truncateEncoding(first, n1);
        second = truncateEncoding(second, n2);
      }
    }
    const sequences = second === undefined ? [first] : [first, second];
    return concatEncodings(this.postProcessor ? this.postProcessor.process(sequences, addSpecialTokens, contexts) : sequences);
  }

  private normalize(text: NormalizedString): NormalizedString {
    return this.normalizer ? this.normalizer(text) : text;
  }

  /** Encodes one sequence; fills context.virtualPrefix with the tokens that start with an inserted prefix space. */
  private encodeSequence(context: SequenceContext, sequenceId: 0 | 1): Encoding {
    const { text, virtualPrefix } = context;
    const out = emptyEncoding();
    let word = 0;
    const push = (id: number, token: string, start: number, end: number): void => {
      out.ids.push(id);
      out.tokens.push(token);
      out.offsets.push([start, end]);
      // tokenizers encodes the second sequence of a pair with type id 1 (post-processors may change it).
      out.typeIds.push(sequenceId);
      out.specialTokensMask.push(0);
      out.wordIds.push(word);
      out.sequenceIds.push(sequenceId);
    };
    for (const split of this.rawMatcher.split(text)) {
      if (split.tokenId !== undefined) {
        push(split.tokenId, text.slice(split.start, split.end), split.start, split.end);
        word++;
        continue;
      }
      const normalized = this.normalize(NormalizedString.fromText(text, split.start, split.end));
      const pieces = this.normalizedMatcher.isEmpty ? [{ piece: normalized, tokenId: undefined }] : splitNormalized(normalized, this.normalizedMatcher);
      for (const { piece, tokenId } of pieces) {
        if (tokenId !== undefined) {
          const [start, end] = piece.originalSpan(0, piece.length);
          push(tokenId, piece.toString(), start, end);
          word++;
          continue;
        }
        const words = this.preTokenizer ? this.preTokenizer(piece) : [piece];
        for (const w of words) {
          if (w.length === 0) continue;
          for (const token of this.model.tokenize(w.toString())) {
            const [start, end] = w.originalSpan(token.start, token.end);
            if (w.isVirtual(token.start)) virtualPrefix.add(out.ids.length);
            push(token.id, token.value ?? this.tokensById.get(token.id) ?? '', start, end);
          }
          word++;
        }
      }
    }
    return out;
  }
}

/** Splits a normalised string where `matcher` finds added tokens in its text (UTF-16 units -> characters). */
function splitNormalized(normalized: NormalizedString, matcher: AddedTokenMatcher): { piece: NormalizedString; tokenId: number | undefined }[] {
  const text = normalized.toString();
  const charAt = new Int32Array(text.length + 1);
  for (let i = 0, unit = 0; i < normalized.length; i++) {
    charAt[unit] = i;
    if (normalized.chars[i] > 0xffff) charAt[unit + 1] = i;
    unit += normalized.chars[i] > 0xffff ? 2 : 1;
  }
  charAt[text.length] = normalized.length;
  return matcher.split(text).map((split) => ({
    piece: normalized.slice(charAt[split.start], charAt[split.end]),
    tokenId: split.tokenId,
  }));
}
