// AdamW (Loshchilov & Hutter) exactly as torch.optim.AdamW computes it, on the few thousand trainable floats.

export interface AdamWOptions {
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export interface AdamWState {
  step: number;
  expAvg: Float32Array[];
  expAvgSq: Float32Array[];
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  state: AdamWState;

  constructor(
    readonly params: Float32Array[],
    options: AdamWOptions = {},
  ) {
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.state = {
      step: 0,
      expAvg: params.map((p) => new Float32Array(p.length)),
      expAvgSq: params.map((p) => new Float32Array(p.length)),
    };
  }

  /** One update with learning rate `lr`; grads[i] matches params[i]. */
  step(grads: Float32Array[], lr: number): void {
    const s = this.state;
    s.step += 1;
    const bias1 = 1 - this.beta1 ** s.step;
    const bias2Sqrt = Math.sqrt(1 - this.beta2 ** s.step);
    const stepSize = lr / bias1;
    this.params.forEach((p, i) => {
      const g = grads[i];
      if (g.length !== p.length) throw new Error(`gradient ${i} has ${g.length} values for ${p.length} parameters`);
      const m = s.expAvg[i];
      const v = s.expAvgSq[i];
      for (let j = 0; j < p.length; j++) {
        if (this.weightDecay !== 0) p[j] *= 1 - lr * this.weightDecay;
        m[j] = this.beta1 * m[j] + (1 - this.beta1) * g[j];
        v[j] = this.beta2 * v[j] + (1 - this.beta2) * g[j] * g[j];
        p[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) / bias2Sqrt + this.eps);
      }
    });
  }
}

/** transformers' get_linear_schedule_with_warmup: linear warm-up to `peak`, then linear decay to 0. */
export function linearScheduleWithWarmup(peak: number, warmupSteps: number, totalSteps: number): (step: number) => number {
  return (step) => {
    if (step < warmupSteps) return (peak * step) / Math.max(1, warmupSteps);
    return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  };
}
