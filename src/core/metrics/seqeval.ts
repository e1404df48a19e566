// Entity-level precision, recall, F1 and support, identical to Python seqeval's classification_report:
// mode 'default' is conlleval-compatible (lenient), mode 'strict' reads tags under a scheme (IOB2, IOBES, ...).
// Zero divisions give 0, as seqeval's default zero_division='warn' does. Averages reproduce numpy's
// summation order (pairwise) so that results agree to the last bit, not just to a tolerance.
import { defaultModeEntities, strictModeEntities, type StrictScheme, type TagEntity } from './entities.js';

export interface SeqevalOptions {
  /** 'default' (conlleval-compatible) unless given; 'strict' needs a scheme. */
  mode?: 'default' | 'strict';
  /** For mode 'strict'; 'BIOES' is accepted as another name for 'IOBES'. */
  scheme?: StrictScheme | 'BIOES';
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold entities. */
  support: number;
}

export interface LabelScores extends Scores {
  /** Predicted entities of this label, and how many of them are correct. */
  predicted: number;
  correct: number;
}

export interface EntityReport {
  /** Labels in seqeval's order (sorted by code point). */
  labels: string[];
  byLabel: Record<string, LabelScores>;
  micro: Scores;
  /** NaN when there are no labels at all, as numpy's mean of nothing is. */
  macro: Scores;
  weighted: Scores;
}

export function entityReport(
  goldTags: readonly (readonly string[])[],
  predictedTags: readonly (readonly string[])[],
  options: SeqevalOptions = {},
): EntityReport {
  checkConsistentLength(goldTags, predictedTags);
  const extract = entityExtractor(options);
  const gold = extract(goldTags);
  const predicted = extract(predictedTags);

  const goldByLabel = groupByLabel(gold);
  const predictedByLabel = groupByLabel(predicted);
  const labels = [...new Set([...goldByLabel.keys(), ...predictedByLabel.keys()])].sort(compareCodePoints);

  const byLabel: Record<string, LabelScores> = {};
  const correctCounts: number[] = [];
  const predictedCounts: number[] = [];
  const goldCounts: number[] = [];
  for (const label of labels) {
    const goldSet = goldByLabel.get(label) ?? new Set<string>();
    const predictedSet = predictedByLabel.get(label) ?? new Set<string>();
    let correct = 0;
    for (const key of predictedSet) if (goldSet.has(key)) correct++;
    const precision = safeDivide(correct, predictedSet.size);
    const recall = safeDivide(correct, goldSet.size);
    byLabel[label] = { precision, recall, f1: f1Of(precision, recall), support: goldSet.size, predicted: predictedSet.size, correct };
    correctCounts.push(correct);
    predictedCounts.push(predictedSet.size);
    goldCounts.push(goldSet.size);
  }

  const microCorrect = pairwiseSum(correctCounts);
  const microPredicted = pairwiseSum(predictedCounts);
  const microGold = pairwiseSum(goldCounts);
  const microPrecision = safeDivide(microCorrect, microPredicted);
  const microRecall = safeDivide(microCorrect, microGold);
  const micro = { precision: microPrecision, recall: microRecall, f1: f1Of(microPrecision, microRecall), support: microGold };

  const column = (key: keyof Scores) => labels.map((label) => byLabel[label][key]);
  const macro = {
    precision: pairwiseSum(column('precision')) / labels.length,
    recall: pairwiseSum(column('recall')) / labels.length,
    f1: pairwiseSum(column('f1')) / labels.length,
    support: microGold,
  };

  const weightSum = pairwiseSum(goldCounts);
  const weightedMean = (values: number[]) => pairwiseSum(values.map((v, i) => v * goldCounts[i])) / weightSum;
  // seqeval returns zeros (zero_division) rather than numpy's error when no gold entity exists.
  const weighted =
    weightSum === 0
      ? { precision: 0, recall: 0, f1: 0, support: 0 }
      : { precision: weightedMean(column('precision')), recall: weightedMean(column('recall')), f1: weightedMean(column('f1')), support: microGold };

  return { labels, byLabel, micro, macro, weighted };
}

/** The report in the shape of seqeval's classification_report(output_dict=True). */
export function toSeqevalDict(report: EntityReport): Record<string, { precision: number; recall: number; 'f1-score': number; support: number }> {
  const row = (s: Scores) => ({ precision: s.precision, recall: s.recall, 'f1-score': s.f1, support: s.support });
  const out: Record<string, ReturnType<typeof row>> = {};
  for (const label of report.labels) out[label] = row(report.byLabel[label]);
  out['micro avg'] = row(report.micro);
  out['macro avg'] = row(report.macro);
  out['weighted avg'] = row(report.weighted);
  return out;
}

function entityExtractor(options: SeqevalOptions): (tags: readonly (readonly string[])[]) => TagEntity[] {
  const mode = options.mode ?? 'default';
  if (mode === 'default') return defaultModeEntities;
  if (mode !== 'strict') throw new Error(`unknown seqeval mode "${String(mode)}" (expected default or strict)`);
  if (options.scheme === undefined) throw new Error("seqeval mode 'strict' needs a scheme (IOB2, IOBES, ...)");
  const scheme: StrictScheme = options.scheme === 'BIOES' ? 'IOBES' : options.scheme;
  return (tags) => strictModeEntities(tags, scheme);
}

function checkConsistentLength(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): void {
  if (gold.length !== predicted.length) {
    throw new Error(`gold has ${gold.length} sentences but predictions have ${predicted.length}`);
  }
  gold.forEach((tags, i) => {
    if (tags.length !== predicted[i].length) {
      throw new Error(`sentence ${i}: gold has ${tags.length} tags but the prediction has ${predicted[i].length}`);
    }
  });
}

function groupByLabel(entities: TagEntity[]): Map<string, Set<string>> {
  const byLabel = new Map<string, Set<string>>();
  for (const e of entities) {
    let set = byLabel.get(e.label);
    if (!set) byLabel.set(e.label, (set = new Set()));
    set.add(`${e.sentence}:${e.start}:${e.end}`);
  }
  return byLabel;
}

function safeDivide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function f1Of(precision: number, recall: number): number {
  const denominator = precision + recall;
  return (2 * precision * recall) / (denominator === 0 ? 1 : denominator);
}

/** Python's sorted() on str: by code point, where JavaScript's default sort compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** numpy's float64 add.reduce: 8-way unrolled blocks of up to 128, halves above that. */
export function pairwiseSum(values: readonly number[], from = 0, count = values.length): number {
  if (count < 8) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += values[from + i];
    return sum;
  }
  if (count <= 128) {
    const r = values.slice(from, from + 8);
    let i = 8;
    for (; i < count - (count % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += values[from + i + j];
    }
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < count; i++) sum += values[from + i];
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, from, half) + pairwiseSum(values, from + half, count - half);
}
