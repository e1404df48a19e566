// Text classification metrics with scikit-learn's definitions: accuracy, per-label precision/recall/F1,
// macro and support-weighted averages over the labels seen in gold or predictions (or the given labels).
// An undefined ratio (nothing predicted, nothing gold) counts as 0, as sklearn's zero_division default does.
import { compareCodePoints, pairwiseSum, type LabelScores, type Scores } from './seqeval.js';

export interface ClassificationReport {
  accuracy: number;
  /** Sorted by code point unless given. */
  labels: string[];
  byLabel: Record<string, LabelScores>;
  macro: Scores;
  weighted: Scores;
}

export function classificationReport(gold: readonly string[], predicted: readonly string[], labels?: readonly string[]): ClassificationReport {
  if (gold.length !== predicted.length) {
    throw new Error(`gold has ${gold.length} labels but predictions have ${predicted.length}`);
  }
  const names = labels ? [...labels] : [...new Set([...gold, ...predicted])].sort(compareCodePoints);
  const index = new Map(names.map((name, i) => [name, i]));
  const correct = new Array<number>(names.length).fill(0);
  const predictedCount = new Array<number>(names.length).fill(0);
  const goldCount = new Array<number>(names.length).fill(0);
  let matches = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = index.get(gold[i]);
    const p = index.get(predicted[i]);
    if (gold[i] === predicted[i]) {
      matches++;
      if (g !== undefined) correct[g]++;
    }
    if (g !== undefined) goldCount[g]++;
    if (p !== undefined) predictedCount[p]++;
  }

  const byLabel: Record<string, LabelScores> = {};
  names.forEach((name, i) => {
    const precision = ratio(correct[i], predictedCount[i]);
    const recall = ratio(correct[i], goldCount[i]);
    byLabel[name] = { precision, recall, f1: f1Of(precision, recall), support: goldCount[i], predicted: predictedCount[i], correct: correct[i] };
  });

  const column = (key: keyof Scores) => names.map((name) => byLabel[name][key]);
  const support = pairwiseSum(goldCount);
  const mean = (values: number[]) => (values.length === 0 ? 0 : pairwiseSum(values) / values.length);
  const weightedMean = (values: number[]) => (support === 0 ? 0 : pairwiseSum(values.map((v, i) => v * goldCount[i])) / support);
  return {
    accuracy: ratio(matches, gold.length),
    labels: names,
    byLabel,
    macro: { precision: mean(column('precision')), recall: mean(column('recall')), f1: mean(column('f1')), support },
    weighted: { precision: weightedMean(column('precision')), recall: weightedMean(column('recall')), f1: weightedMean(column('f1')), support },
  };
}

/** Macro-averaged F1, the usual model-selection number for text classification. */
export function macroF1(gold: readonly string[], predicted: readonly string[]): number {
  return classificationReport(gold, predicted).macro.f1;
}

export function accuracy(gold: readonly string[], predicted: readonly string[]): number {
  return classificationReport(gold, predicted).accuracy;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function f1Of(precision: number, recall: number): number {
  const denominator = precision + recall;
  return denominator === 0 ? 0 : (2 * precision * recall) / denominator;
}
