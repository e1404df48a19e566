import { formatShape, type Dim } from './ir';

/** NumPy-style broadcasting; two different symbolic dims are taken to be equal (the caller's contract). */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else if (typeof da === 'number' && typeof db === 'number') {
      throw new Error(`cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
    } else out.push(typeof da === 'number' ? da : db);
  }
  return out;
}

export function matmulShape(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  if (a.length < 2 || b.length < 2) throw new Error(`MatMul needs rank >= 2, got ${formatShape(a)} x ${formatShape(b)}`);
  const k1 = a[a.length - 1];
  const k2 = b[b.length - 2];
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
    throw new Error(`MatMul inner dimensions differ: ${formatShape(a)} x ${formatShape(b)}`);
  }
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  return [...batch, a[a.length - 2], b[b.length - 1]];
}

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function transposeShape(shape: readonly Dim[], perm: readonly number[]): Dim[] {
  if (perm.length !== shape.length) throw new Error(`Transpose perm [${perm}] does not fit ${formatShape(shape)}`);
  return perm.map((p) => shape[p]);
}

export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** ONNX Reshape semantics: 0 copies the input dimension, -1 is inferred. */
export function reshapeShape(input: readonly Dim[], target: readonly number[]): Dim[] {
  const out: Dim[] = target.map((t, i) => (t === 0 ? input[i] : t));
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    const known = out.filter((d, i) => i !== inferred);
    const allStatic = input.every((d) => typeof d === 'number') && known.every((d) => typeof d === 'number');
    if (allStatic) {
      const total = (input as number[]).reduce((p, d) => p * d, 1);
      const rest = (known as number[]).reduce((p, d) => p * d, 1);
      out[inferred] = total / rest;
    } else {
      // A symbolic remainder: the product of the input's symbolic dims that the known dims do not account for.
      const symbols = input.filter((d) => typeof d === 'string' && !known.includes(d));
      out[inferred] = symbols.length === 1 ? symbols[0] : `(${symbols.join('*') || '?'})`;
    }
  }
  return out;
}

export function reduceShape(shape: readonly Dim[], axes: readonly number[], keepdims: boolean): Dim[] {
  const set = new Set(axes.map((a) => normalizeAxis(a, shape.length)));
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

export function unsqueezeShape(shape: readonly Dim[], axes: readonly number[]): Dim[] {
  const rank = shape.length + axes.length;
  const set = new Set(axes.map((a) => normalizeAxis(a, rank)));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : shape[j++]);
  return out;
}

export function gatherShape(data: readonly Dim[], indices: readonly Dim[], axis: number): Dim[] {
  const a = normalizeAxis(axis, data.length);
  return [...data.slice(0, a), ...indices, ...data.slice(a + 1)];
}
