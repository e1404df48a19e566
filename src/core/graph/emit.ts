import { onnx } from 'onnx-proto';
import type { Graph, Node } from './graph';
import { MICROSOFT_DOMAIN, onnxDataType, type AttributeValue, type TensorData, type Value } from './ir';

export const OPSET = 17;

function valueInfo(v: Value): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: onnxDataType[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: T.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

function rawBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Initializers whose bytes live in a separate file (ONNX external data) rather than in the model. */
export interface ExternalWeights {
  location: string;
  offsets: ReadonlyMap<TensorData, { offset: number; length: number }>;
}

/**
 * Where a tensor's bytes are in the external file: its own entry, or a range of the entry it is a view of (the
 * rows of a fused weight, as ModernBERT's Wqkv split into query, key and value), so that no part is copied inline.
 */
function externalPlace(external: ExternalWeights, data: TensorData): { offset: number; length: number } | undefined {
  const own = external.offsets.get(data);
  if (own) return own;
  for (const [whole, place] of external.offsets) {
    const start = data.byteOffset - whole.byteOffset;
    if (whole.buffer === data.buffer && start >= 0 && start + data.byteLength <= whole.byteLength)
      return { offset: place.offset + start, length: data.byteLength };
  }
  return undefined;
}

function initializer(value: Value, data: TensorData, external?: ExternalWeights): onnx.ITensorProto {
  const base = { name: value.name, dataType: onnxDataType[value.dtype], dims: value.shape as number[] };
  const place = external && externalPlace(external, data);
  if (!place) return { ...base, rawData: rawBytes(data) };
  return {
    ...base,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: external!.location },
      { key: 'offset', value: String(place.offset) },
      { key: 'length', value: String(place.length) },
    ],
  };
}

/**
 * The nodes some graph output depends on, in graph order. onnxruntime runs every node it is given, used or not;
 * a VJP rule may leave one unused (the int8 product's takes the input of a multiplication it folds).
 */
export function liveNodes(g: Graph): Node[] {
  const needed = new Set(g.outputs.map((o) => o.name));
  const live: Node[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const node = g.nodes[i];
    if (!node.outputs.some((o) => needed.has(o.name))) continue;
    live.push(node);
    for (const input of node.inputs) needed.add(input.name);
  }
  return live.reverse();
}

/** Serialises the graph's live nodes as an ONNX ModelProto (opset 17, IR version 8). */
export function emitModel(g: Graph, options: { external?: ExternalWeights; producerName?: string } = {}): Uint8Array {
  const producerName = options.producerName ?? 'pasta-studio';
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName,
    opsetImport: [{ domain: '', version: OPSET }, ...(g.nodes.some((n) => n.domain === MICROSOFT_DOMAIN) ? [{ domain: MICROSOFT_DOMAIN, version: 1 }] : [])],
    graph: {
      name: g.name,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
      initializer: g.initializers.map(({ value, data }) => initializer(value, data, options.external)),
      node: liveNodes(g).map((n, i) => ({
        name: `${n.opType}_${i}`,
        opType: n.opType,
        ...(n.domain ? { domain: n.domain } : {}),
        input: n.inputs.map((v) => v.name),
        output: n.outputs.map((v) => v.name),
        attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
