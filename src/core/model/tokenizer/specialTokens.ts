// Which token plays which role ([CLS], [SEP], <pad>, ...), from the tokenizer's own files.

import { InputError } from '../../data/types';
import type { AddedToken } from './addedTokens';
import type { JsonValue } from './jsonValue';
import type { SpecialTokens } from './tokenizer';

export const ROLES = ['cls', 'sep', 'bos', 'eos', 'pad', 'unk', 'mask'] as const;
export type Role = (typeof ROLES)[number];

/** A role's token as a file names it, with the AddedToken flags tokenizer_config.json may give. */
export interface NamedToken {
  content: string;
  /** The file that named it (for errors). */
  file: string;
  lstrip?: boolean;
  rstrip?: boolean;
  singleWord?: boolean;
  normalized?: boolean;
}

export type NamedTokens = Partial<Record<Role, NamedToken>>;

/** `<role>_token` entries of tokenizer_config.json and special_tokens_map.json (the latter wins). */
export function namedInConfig(...files: (JsonValue | undefined)[]): NamedTokens {
  const named: NamedTokens = {};
  for (const file of files) {
    if (!file) continue;
    if (!file.isObject) file.fail('expected a JSON object');
    for (const role of ROLES) {
      const value = file.get(`${role}_token`);
      if (value.isNull) continue;
      if (typeof value.value === 'string') {
        named[role] = { content: value.string(), file: file.file };
      } else {
        named[role] = {
          content: value.get('content').string(),
          file: file.file,
          lstrip: value.get('lstrip').optionalBoolean(),
          rstrip: value.get('rstrip').optionalBoolean(),
          singleWord: value.get('single_word').optionalBoolean(),
          normalized: value.get('normalized').optionalBoolean(),
        };
      }
    }
  }
  return named;
}

const CONVENTIONAL_NAMES: Partial<Record<Role, string[]>> = {
  pad: ['[PAD]', '<pad>'],
  unk: ['[UNK]', '<unk>'],
  mask: ['[MASK]', '<mask>'],
  bos: ['<s>'],
  eos: ['</s>'],
};

/**
 * Ids for every role named in `named`; roles left unnamed fall back to special added tokens with the
 * conventional names ([PAD], <pad>, ...). pad and unk must resolve.
 */
export function resolveSpecialTokens(
  named: NamedTokens,
  addedTokens: readonly AddedToken[],
  lookup: (token: string) => number | undefined,
  source: string,
): SpecialTokens {
  const ids: Partial<Record<Role, number>> = {};
  for (const role of ROLES) {
    const token = named[role];
    if (token) {
      const id = lookup(token.content);
      if (id === undefined) throw new InputError(token.file, undefined, `${role}_token '${token.content}' is not in the vocabulary`);
      ids[role] = id;
      continue;
    }
    const conventional = addedTokens.find((t) => t.special && CONVENTIONAL_NAMES[role]?.includes(t.content));
    if (conventional) ids[role] = conventional.id;
  }
  for (const role of ['pad', 'unk'] as const) {
    if (ids[role] === undefined) {
      throw new InputError(source, undefined, `no ${role} token: name one as ${role}_token in tokenizer_config.json`);
    }
  }
  return { ...ids, pad: ids.pad!, unk: ids.unk! };
}
