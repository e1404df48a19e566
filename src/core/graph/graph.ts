import type { Attributes, DType, Dim, Initializer, TensorData, Value } from './ir';
import { CPU_KERNELS, type KernelSet } from './kernels';

/**
 * An operator as the graph builds it: its ONNX type and domain, and its vector-Jacobian product. Each op in
 * ops/ is defined once, its builder beside it; an op without `vjp` is not differentiable.
 */
export interface Op<A extends Attributes = Attributes> {
  readonly opType: string;
  /** The operator set the op belongs to; absent for the default ONNX domain. */
  readonly domain?: string;
  /**
   * Given the gradients of the node's outputs (undefined where an output does not reach the loss), returns
   * the gradients of its inputs. `needs[i]` says whether input i depends on a trainable value; the rule
   * returns undefined for inputs that do not need one and builds no nodes for them, which is how frozen
   * weights never get gradients.
   */
  vjp?(g: Graph, node: Node<A>, gradOutputs: readonly (Value | undefined)[], needs: readonly boolean[]): (Value | undefined)[];
}

export interface Node<A extends Attributes = Attributes> {
  readonly op: Op<A>;
  readonly opType: string;
  readonly domain?: string;
  readonly inputs: readonly Value[];
  readonly outputs: readonly Value[];
  readonly attributes: A;
}

/** The dtype and shape of a node's output, and the stem of its name (the op type's by default). */
export interface OutputSpec {
  dtype: DType;
  shape: readonly Dim[];
  name?: string;
}

/** Whether `node` was built by `op` (and so carries that op's attributes). */
export function isNodeOf<A extends Attributes>(node: Node | undefined, op: Op<A>): node is Node<A> {
  return node?.op === op;
}

/** Collects inputs, initializers, nodes and outputs; every value name is unique within the graph. */
export class Graph {
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly initializers: Initializer[] = [];
  readonly nodes: Node[] = [];
  private readonly names = new Set<string>();
  private readonly producers = new Map<string, Node>();
  private counter = 0;
  private readonly constantCache = new Map<string, Value>();

  constructor(
    readonly name = 'pasta',
    /** The provider's kernels, which ops choose their form by. */
    readonly kernels: KernelSet = CPU_KERNELS,
  ) {}

  /** A fresh value name built from a readable stem. */
  uniqueName(stem: string): string {
    let name = stem;
    while (this.names.has(name)) name = `${stem}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  input(name: string, dtype: DType, shape: Dim[]): Value {
    if (this.names.has(name)) throw new Error(`graph input name '${name}' is already used`);
    this.names.add(name);
    const value: Value = { name, dtype, shape };
    this.inputs.push(value);
    return value;
  }

  initializer(name: string, dtype: DType, shape: number[], data: TensorData): Value {
    const value: Value = { name: this.uniqueName(name), dtype, shape };
    this.initializers.push({ value, data });
    return value;
  }

  /** A small constant, shared between uses with the same contents. */
  constant(dtype: DType, shape: number[], values: readonly number[]): Value {
    const key = `${dtype}|${shape.join(',')}|${values.join(',')}`;
    const cached = this.constantCache.get(key);
    if (cached) return cached;
    const data =
      dtype === 'int64'
        ? BigInt64Array.from(values, (v) => BigInt(v))
        : dtype === 'float64'
          ? Float64Array.from(values)
          : dtype === 'bool' || dtype === 'uint8'
            ? Uint8Array.from(values)
            : dtype === 'int8'
              ? Int8Array.from(values)
              : dtype === 'int32'
                ? Int32Array.from(values)
                : Float32Array.from(values);
    const value = this.initializer('const', dtype, shape, data);
    this.constantCache.set(key, value);
    return value;
  }

  scalar(dtype: DType, value: number): Value {
    return this.constant(dtype, [], [value]);
  }

  ints(values: readonly number[]): Value {
    return this.constant('int64', [values.length], values);
  }

  /**
   * Adds a node; `outputs` gives each output's dtype and shape (from the op's shape rule). A node added by
   * op type alone has no VJP rule.
   */
  node<A extends Attributes>(op: Op<A>, inputs: Value[], outputs: OutputSpec[], attributes: A): Value[];
  node(opType: string, inputs: Value[], outputs: OutputSpec[], attributes?: Attributes): Value[];
  node(opOrType: Op | string, inputs: Value[], outputs: OutputSpec[], attributes: Attributes = {}): Value[] {
    const op: Op = typeof opOrType === 'string' ? { opType: opOrType } : opOrType;
    const { opType, domain } = op;
    const outs: Value[] = outputs.map((o) => ({ name: this.uniqueName(o.name ?? opType.toLowerCase()), dtype: o.dtype, shape: o.shape }));
    const node: Node = { op, opType, ...(domain ? { domain } : {}), inputs, outputs: outs, attributes };
    this.nodes.push(node);
    for (const out of outs) this.producers.set(out.name, node);
    return outs;
  }

  producer(value: Value): Node | undefined {
    return this.producers.get(value.name);
  }

  /** Marks a value as a graph output, renaming it through an Identity node when a name is asked for. */
  output(value: Value, name?: string): Value {
    let out = value;
    if (name !== undefined && name !== value.name) {
      if (this.names.has(name)) throw new Error(`graph output name '${name}' is already used`);
      [out] = this.node('Identity', [value], [{ dtype: value.dtype, shape: value.shape, name }]);
    }
    this.outputs.push(out);
    return out;
  }
}
