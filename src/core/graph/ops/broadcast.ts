import type { Graph } from '../graph';
import { sameShape, type Value } from '../ir';
import { reduceSum } from './reduce';
import { reshapeLike } from './shape';

/**
 * Undoes broadcasting in a gradient: sums `grad` over the axes along which `target` was broadcast, so the
 * result has target's shape. Leading axes that target lacks and axes where target has size 1 are summed.
 */
export function sumToShape(g: Graph, grad: Value, target: Value): Value {
  if (sameShape(grad.shape, target.shape)) return grad;
  const offset = grad.shape.length - target.shape.length;
  const axes: number[] = [];
  grad.shape.forEach((d, i) => {
    if (i < offset) axes.push(i);
    else if (target.shape[i - offset] === 1 && d !== 1) axes.push(i);
  });
  const summed = axes.length > 0 ? reduceSum(g, grad, axes, true) : grad;
  return sameShape(summed.shape, target.shape) ? summed : reshapeLike(g, summed, target);
}
