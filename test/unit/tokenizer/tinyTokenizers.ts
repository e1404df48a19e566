// Small hand-written tokenizer folders for error and fuzz tests, written to real temporary directories.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const written: string[] = [];

/** Writes `files` into a new temporary folder, removed by removeFolders(). */
export function writeFolder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pasta-tokenizer-'));
  written.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export function removeFolders(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const special = (id: number, content: string, lstrip = false) => ({
  id,
  content,
  single_word: false,
  lstrip,
  rstrip: false,
  normalized: false,
  special: true,
});

export function tinyWordPieceJson(): Record<string, unknown> {
  const tokens = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', 'h', '##e', '##l', '##o', 'w', '##or', '##ld', '!', 'caf', '##e'];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t, i) => special(i, t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] },
    decoder: null,
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries([...new Set(tokens)].map((t, i) => [t, i])),
    },
  };
}

export function tinyBpeJson(): Record<string, unknown> {
  const tokens = [
    '<s>',
    '<pad>',
    '</s>',
    '<unk>',
    '<mask>',
    'h',
    'e',
    'l',
    'o',
    'w',
    'r',
    'd',
    'Ġ',
    'he',
    'll',
    'hell',
    'hello',
    'Ġw',
    'or',
    'Ġwor',
    'ld',
    'Ġworld',
  ];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<s>'), special(1, '<pad>'), special(2, '</s>'), special(3, '<unk>'), special(4, '<mask>', true)],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true },
    decoder: null,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
      merges: ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'l d', 'Ġwor ld'],
    },
  };
}

/** unigram-tiny's tokenizer.json: 300 Unigram pieces behind a small precompiled charsmap (XLM-R's layout). */
export function tinyUnigramJson(): Record<string, unknown> {
  const file = join(__dirname, '..', '..', 'fixtures', 'tokenizers', 'unigram-tiny', 'tokenizer.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}
