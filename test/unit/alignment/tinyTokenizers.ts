// The tiny BERT (WordPiece, uncased) and RoBERTa (byte-level BPE) tokenizers, loaded from real model folders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, type Tokenizer } from '../../../src/core/model/tokenizer';
import { writeTinyModel } from '../../helpers/tinyModel';

export interface TinyTokenizers {
  bert: Tokenizer;
  roberta: Tokenizer;
  remove(): Promise<void>;
}

export async function tinyTokenizers(): Promise<TinyTokenizers> {
  const root = await mkdtemp(join(tmpdir(), 'pasta-alignment-'));
  const [bert, roberta] = await Promise.all(
    (['bert', 'roberta'] as const).map(async (family) => loadTokenizer((await writeTinyModel(join(root, family), family)).dir)),
  );
  return { bert, roberta, remove: () => rm(root, { recursive: true, force: true }) };
}
