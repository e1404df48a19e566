// qemu-user runs node on an emulated x86 CPU of a chosen model (its CPUID says so, and onnxruntime's MLAS picks its
// kernels by CPUID), so the int8 tests see what a processor without VNNI computes. scripts/setup-qemu.sh installs
// it (Debian bookworm-backports). Speed under emulation means nothing; results do.
import { spawnSync } from 'node:child_process';

/** CPU models: Haswell has AVX2 without VNNI (MLAS's saturating kernel); Nehalem has SSE4.2 only. */
export type EmulatedCpu = 'Haswell-noTSX' | 'Nehalem';

/** Why qemu-x86_64 cannot run node here, or undefined. */
export function qemuMissing(): string | undefined {
  if (process.arch !== 'x64') return `not an x86-64 machine (${process.arch}): qemu-x86_64 emulates x86 CPU models`;
  const probe = spawnSync('qemu-x86_64', ['-version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'qemu-x86_64 is not installed (scripts/setup-qemu.sh installs qemu-user from bookworm-backports)';
}

/** The command prefix that runs node on `cpu`. */
export function onEmulatedCpu(cpu: EmulatedCpu): string[] {
  return ['qemu-x86_64', '-cpu', cpu];
}
