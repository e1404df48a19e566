import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeSafetensors } from '../../../src/core/model/safetensors/safetensorsWriter';
import { SeededRandom } from '../../../src/core/util/random';
import type { PastaParams } from '../../../src/core/pasta/runtime';
import { CHECKPOINT_FILE, loadTrainingCheckpoint, saveTrainingCheckpoint, type TrainingCheckpoint } from '../../../src/core/training/trainingCheckpoint';

let root: string;
before(async () => (root = await mkdtemp(join(tmpdir(), 'pasta-checkpoint-'))));
after(() => rm(root, { recursive: true, force: true }));

function randomParams(random: SeededRandom, layers = 3, per = 8, labels = 5, hidden = 4): PastaParams {
  const fill = (n: number) => Float32Array.from({ length: n }, () => random.next() - 0.5);
  return { vectors: Array.from({ length: layers }, () => fill(per)), classifierWeight: fill(labels * hidden), classifierBias: fill(labels) };
}

function checkpoint(): TrainingCheckpoint {
  const random = new SeededRandom(1);
  const params = randomParams(random);
  const moments = () => [...params.vectors, params.classifierWeight, params.classifierBias].map((a) => a.map(() => random.next()));
  const dev = { f1: 0.5, precision: 0.4, recall: 2 / 3, perLabel: { PER: { precision: 0.4, recall: 2 / 3, f1: 0.5, support: 3 } } };
  return {
    epoch: 2,
    params,
    optimizer: { step: 14, expAvg: moments(), expAvgSq: moments() },
    randomState: 3_000_000_123,
    bestEpoch: 1,
    bestParams: randomParams(random),
    bestScores: dev,
    history: [
      { epoch: 1, trainLoss: 1.25, dev },
      { epoch: 2, trainLoss: 0.75, dev: { ...dev, f1: 0.25 } },
    ],
    runFingerprint: 'abc',
  };
}

test('a checkpoint reads back exactly as it was written', async () => {
  const dir = join(root, 'round-trip');
  const written = checkpoint();
  assert.equal(await saveTrainingCheckpoint(dir, written), join(dir, CHECKPOINT_FILE));
  assert.deepEqual(await loadTrainingCheckpoint(dir, 'abc'), written);
  assert.deepEqual(await loadTrainingCheckpoint(dir), written);
});

test('no checkpoint, or one of another run, reads as none', async () => {
  assert.equal(await loadTrainingCheckpoint(join(root, 'nothing-here')), undefined);
  const dir = join(root, 'other-run');
  await saveTrainingCheckpoint(dir, checkpoint());
  assert.equal(await loadTrainingCheckpoint(dir, 'another'), undefined);
});

test('files that are not training checkpoints are refused with an error naming the file', async () => {
  const dir = join(root, 'not-ours');
  const path = join(dir, CHECKPOINT_FILE);
  await saveTrainingCheckpoint(dir, checkpoint());
  const tensor = { x: { shape: [1], data: Float32Array.from([1]) } };
  await writeSafetensors(path, tensor);
  await assert.rejects(
    loadTrainingCheckpoint(dir),
    (err: Error) => err.message === `${path}: not a PASTA training checkpoint (no pasta_training_state metadata)`,
  );
  await writeSafetensors(path, tensor, { pasta_training_state: '{"epoch": 2,' });
  await assert.rejects(
    loadTrainingCheckpoint(dir),
    (err: Error) => err.message.startsWith(`${path}: `) && /training state/.test(err.message) && !err.message.includes('\n'),
  );
  await saveTrainingCheckpoint(dir, checkpoint());
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, bytes.length - 10));
  await assert.rejects(loadTrainingCheckpoint(dir), (err: Error) => err.message.includes(path) && !err.message.includes('\n'));
});
