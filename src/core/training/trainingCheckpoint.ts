// Per-epoch training checkpoints: parameters, optimizer moments, best-so-far and the PRNG state, in one
// safetensors file with the scalar state as JSON metadata, written atomically.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsFile } from '../model/safetensors/safetensors';
import { writeSafetensors } from '../model/safetensors/safetensorsWriter';
import type { Float32Tensor } from '../model/types';
import type { AdamWState } from './adamw';
import type { PastaParams } from '../pasta/runtime';
import type { DevScores } from '../pasta/tasks';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';

export interface TrainingCheckpoint {
  epoch: number;
  params: PastaParams;
  optimizer: AdamWState;
  randomState: number;
  bestEpoch: number;
  bestParams: PastaParams;
  bestScores?: DevScores;
  history: { epoch: number; trainLoss: number; dev: DevScores }[];
  runFingerprint?: string;
}

function paramTensors(prefix: string, p: PastaParams, out: Map<string, Float32Tensor>): void {
  p.vectors.forEach((v, l) => out.set(`${prefix}.pasta_vectors.${l}`, { shape: [v.length], data: v }));
  out.set(`${prefix}.classifier.weight`, { shape: [p.classifierWeight.length], data: p.classifierWeight });
  out.set(`${prefix}.classifier.bias`, { shape: [p.classifierBias.length], data: p.classifierBias });
}

export async function saveTrainingCheckpoint(dir: string, c: TrainingCheckpoint): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tensors = new Map<string, Float32Tensor>();
  paramTensors('params', c.params, tensors);
  paramTensors('best', c.bestParams, tensors);
  c.optimizer.expAvg.forEach((m, i) => tensors.set(`adam.exp_avg.${i}`, { shape: [m.length], data: m }));
  c.optimizer.expAvgSq.forEach((v, i) => tensors.set(`adam.exp_avg_sq.${i}`, { shape: [v.length], data: v }));
  const state = {
    epoch: c.epoch,
    adamStep: c.optimizer.step,
    layers: c.params.vectors.length,
    randomState: c.randomState,
    bestEpoch: c.bestEpoch,
    bestScores: c.bestScores,
    history: c.history,
    runFingerprint: c.runFingerprint,
  };
  const path = join(dir, CHECKPOINT_FILE);
  await writeSafetensors(path, tensors, { pasta_training_state: JSON.stringify(state) });
  return path;
}

/** The checkpoint in `dir`, or undefined when there is none or it belongs to another run. */
export async function loadTrainingCheckpoint(dir: string, runFingerprint?: string): Promise<TrainingCheckpoint | undefined> {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  const file = await SafetensorsFile.open(path);
  try {
    const raw = file.metadata.pasta_training_state;
    if (!raw) throw new Error(`${path}: not a PASTA training checkpoint (no pasta_training_state metadata)`);
    const state = parseState(path, raw);
    if (runFingerprint !== undefined && state.runFingerprint !== runFingerprint) return undefined;
    const read = async (name: string) => (await file.readFloat32(name)).data;
    const params = async (prefix: string): Promise<PastaParams> => ({
      vectors: await Promise.all(Array.from({ length: state.layers }, (_, l) => read(`${prefix}.pasta_vectors.${l}`))),
      classifierWeight: await read(`${prefix}.classifier.weight`),
      classifierBias: await read(`${prefix}.classifier.bias`),
    });
    const count = state.layers + 2;
    return {
      epoch: state.epoch,
      params: await params('params'),
      bestParams: await params('best'),
      optimizer: {
        step: state.adamStep,
        expAvg: await Promise.all(Array.from({ length: count }, (_, i) => read(`adam.exp_avg.${i}`))),
        expAvgSq: await Promise.all(Array.from({ length: count }, (_, i) => read(`adam.exp_avg_sq.${i}`))),
      },
      randomState: state.randomState,
      bestEpoch: state.bestEpoch,
      bestScores: state.bestScores,
      history: state.history,
      runFingerprint: state.runFingerprint,
    };
  } finally {
    await file.close();
  }
}

function parseState(path: string, raw: string) {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new Error(`${path}: the training state is not valid JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}
