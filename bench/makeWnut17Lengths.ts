// Writes bench/wnut17-lengths.json: the word-piece count ([CLS] and [SEP] included) of every WNUT-17
// training sentence under all-MiniLM-L6-v2's tokenizer, so train-step can benchmark real lengths.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConll } from '../src/core/data/formats/conll';
import { defaultModelDir } from '../src/core/model/hub/cacheDir';
import { loadTokenizer } from '../src/core/model/tokenizer';
import { WNUT17_DIR } from './wnut17';

async function main() {
  const tokenizer = await loadTokenizer(defaultModelDir());
  const docs = await readConll(join(WNUT17_DIR, 'train.conll'));
  const lengths = docs.map((d) => Math.min(128, tokenizer.encode(d.text).ids.length));
  writeFileSync('bench/wnut17-lengths.json', JSON.stringify(lengths));
  const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  console.log(`${lengths.length} sentences, mean ${mean.toFixed(1)} pieces, max ${Math.max(...lengths)}`);
}
main();
