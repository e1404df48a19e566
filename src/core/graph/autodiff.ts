import type { Graph, Node } from './graph';
import { isFloat, type Value } from './ir';
import { expandLike } from './ops/broadcast';
import { add } from './ops/elementwise';

/**
 * Reverse-mode differentiation of `loss` with respect to `wrt`, appending the backward nodes to the graph.
 * Only nodes on a path from a `wrt` value to the loss are differentiated, so frozen weights (initializers
 * that no trainable value flows into) never get a gradient computed.
 */
export function gradients(g: Graph, loss: Value, wrt: Value[]): Value[] {
  const forwardNodes = [...g.nodes];
  const dependsOnWrt = new Set(wrt.map((v) => v.name));
  for (const node of forwardNodes) {
    if (node.inputs.some((i) => dependsOnWrt.has(i.name))) {
      for (const out of node.outputs) if (isFloat(out.dtype)) dependsOnWrt.add(out.name);
    }
  }
  if (!dependsOnWrt.has(loss.name)) throw new Error(`'${loss.name}' does not depend on any of ${wrt.map((v) => v.name).join(', ')}`);

  const contributions = new Map<string, Value[]>();
  const accumulate = (value: Value, grad: Value) => {
    const list = contributions.get(value.name);
    if (list) list.push(grad);
    else contributions.set(value.name, [grad]);
  };
  const gradientOf = (value: Value): Value | undefined => {
    const list = contributions.get(value.name);
    if (!list || list.length === 0) return undefined;
    const sum = list.reduce((acc, gv) => add(g, acc, gv));
    contributions.set(value.name, [sum]);
    return sum;
  };

  accumulate(loss, expandLike(g, g.scalar(loss.dtype, 1), loss));
  for (let i = forwardNodes.length - 1; i >= 0; i--) {
    const node = forwardNodes[i];
    if (!node.outputs.some((o) => dependsOnWrt.has(o.name) && contributions.has(o.name))) continue;
    const gradOutputs = node.outputs.map(gradientOf);
    const needs = node.inputs.map((input) => dependsOnWrt.has(input.name));
    if (!node.op.vjp) throw new Error(`no VJP rule for ${node.opType} (${describe(node)}) on the path to '${loss.name}'`);
    const gradInputs = node.op.vjp(g, node, gradOutputs, needs);
    node.inputs.forEach((input, k) => {
      const gi = gradInputs[k];
      if (needs[k] && gi) accumulate(input, gi);
    });
  }

  return wrt.map((v) => {
    const grad = gradientOf(v);
    if (!grad) throw new Error(`'${loss.name}' does not depend on '${v.name}'`);
    return grad;
  });
}

function describe(node: Node): string {
  return `${node.inputs.map((i) => i.name).join(', ')} -> ${node.outputs.map((o) => o.name).join(', ')}`;
}
