// tokenize: encoding speed of our tokenizers on every WNUT-17 sentence (MiniLM's WordPiece, a byte-level BPE).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../src/core/model/tokenizer';
import { WNUT17_DIR } from './wnut17';

function sentences(): string[] {
  const out: string[] = [];
  for (const split of ['train', 'dev', 'test']) {
    let words: string[] = [];
    for (const line of readFileSync(join(WNUT17_DIR, `${split}.conll`), 'utf8').split('\n')) {
      const word = line.split('\t')[0].trim();
      if (word !== '') words.push(word);
      else if (words.length > 0) {
        out.push(words.join(' '));
        words = [];
      }
    }
  }
  return out;
}

async function main() {
  const texts = sentences();
  for (const name of ['minilm', 'bpe']) {
    const tokenizer = await loadTokenizer(join('test', 'fixtures', 'tokenizers', name));
    const started = performance.now();
    let tokens = 0;
    for (const text of texts) tokens += tokenizer.encode(text).ids.length;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        bench: 'tokenize',
        unit: 'sentences/s',
        tokenizer: name,
        sentences: texts.length,
        tokens,
        sentences_per_s: Math.round(texts.length / seconds),
        tokens_per_s: Math.round(tokens / seconds),
        device: 'cpu',
      }),
    );
  }
}
main();
