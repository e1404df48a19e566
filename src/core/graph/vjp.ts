import type { Graph } from './graph';
import type { Node, Value } from './ir';

/**
 * A vector-Jacobian product rule: given the gradients of a node's outputs (undefined where an output does
 * not reach the loss), returns the gradients of its inputs. `needs[i]` says whether input i depends on a
 * trainable value; a rule returns undefined for inputs that do not need one and builds no nodes for them,
 * which is how frozen weights never get gradients.
 */
export type VjpRule = (g: Graph, node: Node, gradOutputs: (Value | undefined)[], needs: boolean[]) => (Value | undefined)[];

export type VjpRules = Record<string, VjpRule>;
