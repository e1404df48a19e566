// An export of a base that has spm.model and no tokenizer.json (microsoft/deberta-v3-*): the tokenizer PASTA built
// from spm.model is written as tokenizer.json, and tokenizer_config.json names the generic PreTrainedTokenizerFast,
// which loads tokenizer.json as it is. transformers 5's DebertaV2Tokenizer would not: it builds its own normaliser
// (no precompiled character map) even over a tokenizer.json, and tokenises 24 of the 483 parity texts differently.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTokenizer } from '../model/tokenizer/index.js';

const ROLES = ['bos', 'eos', 'unk', 'sep', 'pad', 'cls', 'mask'] as const;

/** Writes tokenizer.json and tokenizer_config.json into `modelDir` where the base needs them; returns the files written. */
export async function writeConvertedTokenizer(baseDir: string, modelDir: string): Promise<string[]> {
  const tokenizer = await loadTokenizer(baseDir);
  const converted = tokenizer.convertedTokenizerJson();
  if (!converted) return [];
  await writeFile(join(modelDir, 'tokenizer.json'), `${JSON.stringify(converted, null, 2)}\n`);
  const base = await readFile(join(baseDir, 'tokenizer_config.json'), 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => ({}),
  );
  // DeBERTa's bos/eos are its [CLS]/[SEP] (the tokenizer class's defaults, which the generic class does not have).
  const named = tokenizer.specialTokens;
  const roles = { ...named, bos: named.bos ?? named.cls, eos: named.eos ?? named.sep };
  const tokens = Object.fromEntries(
    ROLES.flatMap((role) => {
      const id = roles[role];
      const token = id === undefined ? undefined : tokenizer.idToToken(id);
      return token === undefined ? [] : [[`${role}_token`, token]];
    }),
  );
  const config = { ...base, ...tokens, tokenizer_class: 'PreTrainedTokenizerFast' };
  await writeFile(join(modelDir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return ['tokenizer.json', 'tokenizer_config.json'];
}
