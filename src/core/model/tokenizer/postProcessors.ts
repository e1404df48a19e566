// Post-processors: add the special tokens around the sequence(s) ([CLS] A [SEP] B [SEP], <s> A </s></s> B </s>)
// and set type ids; the byte-level ones also trim spaces off token offsets.

import { trimByteLevelOffsets } from './byteLevel';
import type { Encoding } from './encoding';
import type { JsonValue } from './jsonValue';

/** What the byte-level trimming needs to know about each sequence. */
export interface SequenceContext {
  /** The text the sequence's offsets point into. */
  text: string;
  /** Tokens that start with a prefix space the pre-tokenizer inserted (no text under it). */
  virtualPrefix: Set<number>;
}

export interface PostProcessor {
  /** How many special tokens `process` adds around one sequence or a pair. */
  addedTokens(isPair: boolean): number;
  /** Takes one encoding per sequence (and what they encode), returns the parts to concatenate. */
  process(sequences: Encoding[], addSpecialTokens: boolean, contexts: readonly SequenceContext[]): Encoding[];
  /** Special tokens this processor inserts, by role. */
  readonly roles: { cls?: [string, number]; sep?: [string, number] };
}

function specialPart(tokens: readonly string[], ids: readonly number[], typeId: number): Encoding {
  return {
    ids: [...ids],
    tokens: [...tokens],
    offsets: ids.map(() => [0, 0]),
    typeIds: ids.map(() => typeId),
    specialTokensMask: ids.map(() => 1),
    wordIds: ids.map(() => null),
    sequenceIds: ids.map(() => null),
  };
}

function withTypeId(encoding: Encoding, typeId: number): Encoding {
  return { ...encoding, typeIds: encoding.ids.map(() => typeId) };
}

export function bertProcessing(cls: [string, number], sep: [string, number]): PostProcessor {
  const clsPart = (): Encoding => specialPart([cls[0]], [cls[1]], 0);
  return {
    roles: { cls, sep },
    addedTokens: (isPair) => (isPair ? 3 : 2),
    process(sequences, addSpecialTokens) {
      if (!addSpecialTokens) return sequences;
      const [a, b] = sequences;
      const parts = [clsPart(), withTypeId(a, 0), specialPart([sep[0]], [sep[1]], 0)];
      if (b) parts.push(withTypeId(b, 1), specialPart([sep[0]], [sep[1]], 1));
      return parts;
    },
  };
}

export function robertaProcessing(cls: [string, number], sep: [string, number], trimOffsets: boolean, addPrefixSpace: boolean): PostProcessor {
  return {
    roles: { cls, sep },
    addedTokens: (isPair) => (isPair ? 4 : 2),
    process(sequences, addSpecialTokens, contexts) {
      if (trimOffsets) trimAll(sequences, contexts, addPrefixSpace);
      if (!addSpecialTokens) return sequences;
      const [a, b] = sequences;
      const parts = [specialPart([cls[0]], [cls[1]], 0), withTypeId(a, 0), specialPart([sep[0]], [sep[1]], 0)];
      if (b) parts.push(specialPart([sep[0]], [sep[1]], 0), withTypeId(b, 0), specialPart([sep[0]], [sep[1]], 0));
      return parts;
    },
  };
}

function trimAll(sequences: Encoding[], contexts: readonly SequenceContext[], addPrefixSpace: boolean): void {
  sequences.forEach((s, i) => {
    const context = contexts[i] ?? { text: '', virtualPrefix: new Set<number>() };
    trimByteLevelOffsets(context.text, s.tokens, s.offsets, addPrefixSpace, context.virtualPrefix);
  });
}

export function byteLevelProcessing(trimOffsets: boolean, addPrefixSpace: boolean): PostProcessor {
  return {
    roles: {},
    addedTokens: () => 0,
    process(sequences, _addSpecialTokens, contexts) {
      if (trimOffsets) trimAll(sequences, contexts, addPrefixSpace);
      return sequences;
    },
  };
}

type TemplatePiece = { sequence: 0 | 1; typeId: number } | { special: string; typeId: number };

export interface TemplateSpecialToken {
  ids: number[];
  tokens: string[];
}

export function templateProcessing(single: TemplatePiece[], pair: TemplatePiece[], specials: Map<string, TemplateSpecialToken>): PostProcessor {
  const count = (template: TemplatePiece[]): number => template.reduce((n, piece) => n + ('special' in piece ? specials.get(piece.special)!.ids.length : 0), 0);
  return {
    roles: templateRoles(single, specials),
    addedTokens: (isPair) => count(isPair ? pair : single),
    process(sequences, addSpecialTokens) {
      const template = sequences.length > 1 ? pair : single;
      const parts: Encoding[] = [];
      for (const piece of template) {
        if ('special' in piece) {
          if (!addSpecialTokens) continue;
          const special = specials.get(piece.special)!;
          parts.push(specialPart(special.tokens, special.ids, piece.typeId));
        } else {
          const sequence = sequences[piece.sequence];
          if (sequence) parts.push(withTypeId(sequence, piece.typeId));
        }
      }
      return parts;
    },
  };
}

/** cls: the single special token before $A; sep: the one after it. */
function templateRoles(single: TemplatePiece[], specials: Map<string, TemplateSpecialToken>): PostProcessor['roles'] {
  const at = single.findIndex((piece) => 'sequence' in piece);
  const role = (piece: TemplatePiece | undefined): [string, number] | undefined => {
    if (!piece || !('special' in piece)) return undefined;
    const special = specials.get(piece.special)!;
    return special.ids.length === 1 ? [special.tokens[0], special.ids[0]] : undefined;
  };
  return { cls: at > 0 ? role(single[at - 1]) : undefined, sep: at >= 0 ? role(single[at + 1]) : undefined };
}

export function sequenceProcessing(processors: PostProcessor[]): PostProcessor {
  return {
    roles: Object.assign({}, ...processors.map((p) => p.roles)),
    addedTokens: (isPair) => processors.reduce((n, p) => n + p.addedTokens(isPair), 0),
    process: (sequences, addSpecialTokens, contexts) => processors.reduce((parts, p) => p.process(parts, addSpecialTokens, contexts), sequences),
  };
}

/** The post-processor a tokenizer.json describes; undefined for null. */
export function postProcessorFromJson(json: JsonValue): PostProcessor | undefined {
  if (json.isNull) return undefined;
  const type = json.get('type').string();
  const tokenAndId = (field: JsonValue): [string, number] => {
    const [token, id] = field.items();
    if (!token || !id) field.fail('expected [token, id]');
    return [token.string(), id.index()];
  };
  switch (type) {
    case 'BertProcessing':
      return bertProcessing(tokenAndId(json.get('cls')), tokenAndId(json.get('sep')));
    case 'RobertaProcessing':
      return robertaProcessing(
        tokenAndId(json.get('cls')),
        tokenAndId(json.get('sep')),
        json.get('trim_offsets').boolean(true),
        json.get('add_prefix_space').boolean(true),
      );
    case 'ByteLevel':
      return byteLevelProcessing(json.get('trim_offsets').boolean(true), json.get('add_prefix_space').boolean(true));
    case 'TemplateProcessing':
      return templateFromJson(json);
    case 'Sequence':
      return sequenceProcessing(
        json
          .get('processors')
          .items()
          .map((item) => postProcessorFromJson(item) ?? sequenceProcessing([])),
      );
    default:
      return json
        .get('type')
        .fail(`post_processor '${type}' is not supported (supported: BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel, Sequence)`);
  }
}

function templateFromJson(json: JsonValue): PostProcessor {
  const specials = new Map<string, TemplateSpecialToken>();
  for (const [name, value] of json.get('special_tokens').entries()) {
    const ids = value
      .get('ids')
      .items()
      .map((id) => id.index());
    const tokens = value
      .get('tokens')
      .items()
      .map((token) => token.string());
    if (ids.length !== tokens.length) value.fail('ids and tokens differ in length');
    specials.set(name, { ids, tokens });
  }
  const template = (field: JsonValue): TemplatePiece[] =>
    field.items().map((piece) => {
      if (piece.has('Sequence')) {
        const sequence = piece.get('Sequence');
        const id = sequence.get('id').string();
        if (id !== 'A' && id !== 'B') sequence.get('id').fail(`expected "A" or "B", found "${id}"`);
        return { sequence: id === 'A' ? 0 : 1, typeId: sequence.get('type_id').index(256, 0) };
      }
      const special = piece.get('SpecialToken');
      const id = special.get('id').string();
      if (!specials.has(id)) special.get('id').fail(`'${id}' is not in special_tokens`);
      return { special: id, typeId: special.get('type_id').index(256, 0) };
    });
  return templateProcessing(template(json.get('single')), template(json.get('pair')), specials);
}
