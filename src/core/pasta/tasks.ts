// What the trainer needs from a task: encoded examples, and how to score predictions on the dev set.
import {
  alignDocuments,
  bestWindowPerPiece,
  iob2Labels,
  repairIob2,
  type AlignedDocument,
  type AlignmentTokenizer,
  type BoundaryProblem,
  type WordSplit,
} from '../data/alignment';
import type { ClassificationRecord, NerDocument } from '../data/types';
import type { EncodedExample } from '../engine/batch';
import { classificationReport } from '../metrics/classification';
import { entityReport, type EntityReport } from '../metrics/seqeval';
import type { TaskType } from '../graph/pastaGraph';
import { argmax, decodeTags, type TagDecoding } from './iob2Decoding';

export interface DevScores {
  /** The selection metric: entity micro-F1 (token task) or macro-F1 (sequence task). */
  f1: number;
  precision: number;
  recall: number;
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  accuracy?: number;
}

export interface PreparedTask {
  task: TaskType;
  /** Label names in id order (IOB2 tags for the token task). */
  id2label: string[];
  train: EncodedExample[];
  dev: EncodedExample[];
  /** Scores dev predictions: one probability array per dev example ([positions x labels]). */
  score(devProbabilities: Float32Array[], decoding?: TagDecoding): DevScores;
  problems: BoundaryProblem[];
}

export interface TokenTaskOptions {
  maxLength: number;
  stride: number;
  wordSplit: WordSplit;
  labelAllSubwords?: boolean;
}

/**
 * Word-level predicted tags for aligned documents, from window probabilities merged per piece (a word takes its
 * first piece's probabilities), decoded per document as valid IOB2 by default. A word with no piece in any
 * window (nothing left of it after tokenization) is O with confidence 0.
 */
export function predictWordTags(
  documents: AlignedDocument[],
  windowsOfDoc: { first: number; last: number; example: number }[][],
  probabilities: Float32Array[],
  id2label: string[],
  decoding: TagDecoding = 'viterbi',
): { tags: string[][]; confidences: number[][] } {
  const C = id2label.length;
  const outside = Float32Array.from(id2label, (label) => (label === 'O' ? 1 : 0));
  const tags: string[][] = [];
  const confidences: number[][] = [];
  documents.forEach((d, di) => {
    const windows = windowsOfDoc[di];
    const pieceCount = d.pieceWord.length;
    const best = bestWindowPerPiece(
      windows.map((w) => ({ ...w, docIndex: di, inputIds: [], specialTokensMask: [], labels: [] })),
      pieceCount,
    );
    const rows = d.firstPieceOfWord.map((piece) => {
      if (piece < 0 || !best[piece]) return undefined;
      const { window, position } = best[piece];
      return probabilities[windows[window].example].subarray(position * C, (position + 1) * C);
    });
    const ids = decodeTags(
      rows.map((row) => row ?? outside),
      id2label,
      decoding,
    );
    tags.push(ids.map((k) => id2label[k]));
    confidences.push(ids.map((k, w) => rows[w]?.[k] ?? 0));
  });
  return { tags, confidences };
}

function summariseEntities(report: EntityReport): DevScores {
  const perLabel: DevScores['perLabel'] = {};
  for (const label of report.labels) {
    const s = report.byLabel[label];
    perLabel[label] = { precision: s.precision, recall: s.recall, f1: s.f1, support: s.support };
  }
  return { f1: report.micro.f1, precision: report.micro.precision, recall: report.micro.recall, perLabel };
}

export function prepareTokenTask(
  tokenizer: AlignmentTokenizer,
  entityLabels: string[],
  train: NerDocument[],
  dev: NerDocument[],
  options: TokenTaskOptions,
): PreparedTask {
  const id2label = iob2Labels(entityLabels);
  const labelIds = new Map(id2label.map((l, i) => [l, i]));
  const trainAligned = alignDocuments(train, tokenizer, labelIds, options);
  const devAligned = alignDocuments(dev, tokenizer, labelIds, options);
  const toExample = (w: { inputIds: number[]; specialTokensMask: number[]; labels: number[] }): EncodedExample => ({
    inputIds: w.inputIds,
    specialTokensMask: w.specialTokensMask,
    labels: w.labels,
  });
  const windowsOfDoc = devAligned.documents.map(() => [] as { first: number; last: number; example: number }[]);
  devAligned.windows.forEach((w, i) => windowsOfDoc[w.docIndex].push({ first: w.first, last: w.last, example: i }));
  return {
    task: 'token',
    id2label,
    train: trainAligned.windows.map(toExample),
    dev: devAligned.windows.map(toExample),
    problems: [...trainAligned.problems, ...devAligned.problems],
    score(probabilities, decoding) {
      const { tags } = predictWordTags(devAligned.documents, windowsOfDoc, probabilities, id2label, decoding);
      // Scored as seqeval's strict IOB2 mode, after the same repair the predictor's decoding applies.
      const gold = devAligned.documents.map((d) => d.wordTags);
      return summariseEntities(entityReport(gold, tags.map(repairIob2), { mode: 'strict', scheme: 'IOB2' }));
    },
  };
}

export interface SequenceTokenizer {
  encode(
    text: string,
    pair?: string,
    options?: { addSpecialTokens?: boolean; maxLength?: number },
  ): {
    ids: number[];
    specialTokensMask: number[];
    typeIds?: number[];
  };
}

export function prepareSequenceTask(
  tokenizer: SequenceTokenizer,
  labels: string[],
  train: ClassificationRecord[],
  dev: ClassificationRecord[],
  maxLength: number,
): PreparedTask {
  const ids = new Map(labels.map((l, i) => [l, i]));
  const encode = (r: ClassificationRecord): EncodedExample => {
    const e = tokenizer.encode(r.text, r.textPair, { maxLength });
    const label = ids.get(r.label);
    if (label === undefined) throw new Error(`record ${r.id}: label '${r.label}' is not among the project's labels`);
    return { inputIds: e.ids, specialTokensMask: e.specialTokensMask, tokenTypeIds: e.typeIds, labels: label };
  };
  return {
    task: 'sequence',
    id2label: labels,
    train: train.map(encode),
    dev: dev.map(encode),
    problems: [],
    score(probabilities) {
      const predicted = probabilities.map((p) => labels[argmax(p.subarray(0, labels.length))]);
      const report = classificationReport(
        dev.map((r) => r.label),
        predicted,
        labels,
      );
      const perLabel: DevScores['perLabel'] = {};
      for (const l of report.labels) {
        const s = report.byLabel[l];
        perLabel[l] = { precision: s.precision, recall: s.recall, f1: s.f1, support: s.support };
      }
      return { f1: report.macro.f1, precision: report.macro.precision, recall: report.macro.recall, perLabel, accuracy: report.accuracy };
    },
  };
}
