// What the execution provider that will run a graph has kernels for. Op choice follows it: a node the
// provider cannot run is placed on the CPU by onnxruntime, with a copy each way, so the WebGPU graph avoids
// onnxruntime's contrib FusedMatMul, int64 arithmetic and the loss ops it lacks (measured with the verbose
// node-placement log), while the CPU graph keeps the forms that are fastest there.
import type { Device } from '../engine/deviceNames';

export interface KernelSet {
  /** com.microsoft FusedMatMul (a product reading an operand transposed): CPU and CUDA, not WebGPU. */
  fusedMatMul: boolean;
  /**
   * int64 beyond indexing (Cast, Equal, Where, OneHot): WebGPU computes in 32 bits, so the attention mask
   * and the labels come as int32 there (token ids and positions stay int64: Gather takes int64 indices).
   */
  int64: boolean;
  /** LogSoftmax and OneHot (the CPU's cross-entropy); WebGPU composes the loss from Exp, Log and reductions. */
  logSoftmax: boolean;
  /**
   * com.microsoft DynamicQuantizeMatMul, the int8 product of the frozen base: onnxruntime has it on the CPU only
   * (the GPU providers place it on the CPU, a copy each way per product), so only the CPU runs precision int8.
   */
  int8MatMul: boolean;
}

/** The number format of the frozen base's Linear weights and products; everything else stays float32. */
export type Precision = 'fp32' | 'int8';
export const PRECISIONS: readonly Precision[] = ['fp32', 'int8'];

export const CPU_KERNELS: KernelSet = { fusedMatMul: true, int64: true, logSoftmax: true, int8MatMul: true };
export const WEBGPU_KERNELS: KernelSet = { fusedMatMul: false, int64: false, logSoftmax: false, int8MatMul: false };

/** The precision a graph for `device` runs in when `asked` is asked for, and why it differs. */
export function precisionOn(device: Device, asked: Precision = 'fp32'): { used: Precision; reason?: string } {
  if (asked === 'fp32' || kernelsFor(device).int8MatMul) return { used: asked };
  return { used: 'fp32', reason: `int8 runs on the CPU only (onnxruntime has no int8 product kernel for ${device}): the base runs in fp32` };
}

export function kernelsFor(device: Device): KernelSet {
  if (device === 'webgpu') return WEBGPU_KERNELS;
  return device === 'cpu' ? CPU_KERNELS : { ...CPU_KERNELS, int8MatMul: false };
}
