// A tiny BERT with its tokenizer written to a real folder, small synthetic NER data over its vocabulary, and
// runtimes on the CPU with one thread (deterministic and fair to the shared machine).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NerDocument, Span } from '../../../src/core/data/types';
import type { TaskType } from '../../../src/core/graph/pastaGraph';
import { loadModelFolder } from '../../../src/core/model/modelFolder';
import { loadTokenizer, type Tokenizer } from '../../../src/core/model/tokenizer';
import type { EncoderConfig, WeightMap } from '../../../src/core/model/types';
import { PastaRuntime } from '../../../src/core/pasta/runtime';
import { SeededRandom } from '../../../src/core/util/random';
import { writeTinyModel } from '../../helpers/tinyModel';

export interface TinyBase {
  root: string;
  config: EncoderConfig;
  weights: WeightMap;
  tokenizer: Tokenizer;
  remove(): Promise<void>;
}

export async function tinyBase(): Promise<TinyBase> {
  const root = await mkdtemp(join(tmpdir(), 'pasta-core-'));
  const model = await writeTinyModel(join(root, 'model'), 'bert');
  const [{ config, weights }, tokenizer] = await Promise.all([loadModelFolder(model.dir), loadTokenizer(model.dir)]);
  return { root, config, weights, tokenizer, remove: () => rm(root, { recursive: true, force: true }) };
}

export function tinyRuntime(base: Pick<TinyBase, 'config' | 'weights'>, numLabels: number, task: TaskType = 'token'): PastaRuntime {
  return new PastaRuntime({ config: base.config, weights: base.weights, task, numLabels, numSlots: 2, padTokenId: 0, device: 'cpu', threads: 1 });
}

const PEOPLE = ['john', 'smith', 'john smith'];
const PLACES = ['paris', 'london', 'new york'];
const FILLERS = ['the team', 'a game', 'today', 'the city'];
const TEMPLATES: ((p: string, q: string, f: string) => string)[] = [
  (p, q) => `${p} lives in ${q}`,
  (p, q, f) => `${p} works at ${q} ${f}`,
  (p, q, f) => `${f} ${p} went to ${q}`,
  (p, q) => `visit ${q} and ${p}`,
];

/** Sentences over the tiny vocabulary with PER and LOC spans (multi-word entities included). */
export function syntheticNer(count: number, seed: number): NerDocument[] {
  const random = new SeededRandom(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random.next() * items.length)];
  return Array.from({ length: count }, (_, i) => {
    const [person, place, filler, template] = [pick(PEOPLE), pick(PLACES), pick(FILLERS), pick(TEMPLATES)];
    const text = template(person, place, filler);
    const spans: Span[] = [];
    for (const [entity, label] of [
      [person, 'PER'],
      [place, 'LOC'],
    ] as const) {
      const start = text.indexOf(entity);
      spans.push({ start, end: start + entity.length, label });
    }
    return { id: `s${seed}-${i}`, text, spans: spans.sort((a, b) => a.start - b.start) };
  });
}
