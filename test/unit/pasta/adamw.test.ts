import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AdamW, linearScheduleWithWarmup } from '../../../src/core/training/adamw';

interface Trajectory {
  init: number[];
  grads: number[][];
  lrs: number[];
  params: number[][];
  peak_lr: number;
  warmup: number;
  total: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
}
const fixtures = JSON.parse(readFileSync('test/fixtures/adamw.json', 'utf8')) as Record<string, Trajectory>;

for (const [name, t] of Object.entries(fixtures)) {
  test(`AdamW and the linear warm-up schedule follow torch (${name})`, () => {
    const p = Float32Array.from(t.init);
    const opt = new AdamW([p], { betas: t.betas, eps: t.eps, weightDecay: t.weight_decay });
    const schedule = linearScheduleWithWarmup(t.peak_lr, t.warmup, t.total);
    t.grads.forEach((g, step) => {
      assert.ok(Math.abs(schedule(step) - t.lrs[step]) < 1e-12, `lr at step ${step}: ${schedule(step)} vs ${t.lrs[step]}`);
      opt.step([Float32Array.from(g)], schedule(step));
      t.params[step].forEach((expected, j) => assert.ok(Math.abs(p[j] - expected) < 1e-6, `step ${step} param ${j}: ${p[j]} vs ${expected}`));
    });
  });
}
