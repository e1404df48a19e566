// The int8 kernel probe (engine/int8Kernel.ts) on this machine and on emulated CPUs without VNNI: onnxruntime's
// uint8 x int8 product saturates 8-bit weights on AVX2 (qemu -cpu Haswell), where the probe says so and 7-bit
// weights are exact; it is exact on SSE4.2 (Nehalem) and with VNNI. test/helpers/int8KernelCheck.ts measures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FORCE_BITS_ENV, int8KernelSaturates, int8WeightChoice, SATURATING_KERNEL_REASON, withInt8Weights } from '../../../src/core/engine/int8Kernel';
import { onEmulatedCpu, qemuMissing, type EmulatedCpu } from '../../helpers/qemu';
import { skipIfMissing } from '../../helpers/requirements';

const CHECK = join(import.meta.dirname, '../../helpers/int8KernelCheck.ts');

interface Check {
  saturates: boolean;
  error8: number;
  error7: number;
}

async function check(cpu?: EmulatedCpu): Promise<Check> {
  const [command, ...args] = [...(cpu ? onEmulatedCpu(cpu) : []), process.execPath, '--import', 'tsx', CHECK];
  const { [FORCE_BITS_ENV]: _forced, ...env } = process.env;
  const { stdout } = await promisify(execFile)(command, args, { encoding: 'utf8', env });
  return JSON.parse(stdout) as Check;
}

/** What MLAS's dispatch predicts from the kernel's CPU flags: VPMADDUBSW on AVX2 or AVX-512 without VNNI. */
function flagsPredictSaturation(): boolean | undefined {
  let cpuinfo: string;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1].trim().split(/\s+/));
  return flags.has('avx2') && !flags.has('avx512_vnni') && !flags.has('avx_vnni');
}

describe('the int8 kernel probe', () => {
  it('on this machine answers as its CPU flags predict, and the 8-bit product of the saturating case is exact where it says so', async () => {
    const saturates = await int8KernelSaturates();
    const predicted = flagsPredictSaturation();
    if (predicted !== undefined) assert.equal(saturates, predicted, `/proc/cpuinfo predicts saturates=${predicted}`);
    const measured = await check();
    assert.equal(measured.saturates, saturates);
    assert.ok(measured.error7 < 1e-6, `7-bit weights: relative error ${measured.error7}`);
    if (!saturates) assert.ok(measured.error8 < 1e-6, `8-bit weights: relative error ${measured.error8}`);
  });

  it('picks 7 bits with the reason where the kernel saturates, and the variable forces either', async () => {
    const saved = process.env[FORCE_BITS_ENV];
    try {
      delete process.env[FORCE_BITS_ENV];
      assert.deepEqual(await int8WeightChoice(), (await int8KernelSaturates()) ? { bits: 7, reason: SATURATING_KERNEL_REASON } : { bits: 8 });
      process.env[FORCE_BITS_ENV] = '7';
      assert.equal((await int8WeightChoice()).bits, 7);
      process.env[FORCE_BITS_ENV] = '8';
      assert.deepEqual(await int8WeightChoice(), { bits: 8 });
      process.env[FORCE_BITS_ENV] = '6';
      await assert.rejects(int8WeightChoice(), new RegExp(`${FORCE_BITS_ENV} must be 7 or 8, not '6'`));
    } finally {
      if (saved === undefined) delete process.env[FORCE_BITS_ENV];
      else process.env[FORCE_BITS_ENV] = saved;
    }
  });

  it("records 7 bits and its reason with int8 only, and keeps a GPU provider's reason for fp32", () => {
    const seven = { bits: 7 as const, reason: SATURATING_KERNEL_REASON };
    assert.deepEqual(withInt8Weights({ used: 'int8' }, seven), { used: 'int8', reason: SATURATING_KERNEL_REASON, int8WeightBits: 7 });
    assert.deepEqual(withInt8Weights({ used: 'int8' }, { bits: 8 }), { used: 'int8', int8WeightBits: 8 });
    assert.deepEqual(withInt8Weights({ used: 'fp32', reason: 'no int8 on webgpu' }, seven), { used: 'fp32', reason: 'no int8 on webgpu' });
  });

  describe('on emulated CPUs', { skip: skipIfMissing(qemuMissing()) }, () => {
    it('AVX2 without VNNI (Haswell): 8-bit weights saturate, the probe says so, 7-bit weights are exact', async () => {
      const haswell = await check('Haswell-noTSX');
      assert.equal(haswell.saturates, true);
      assert.ok(haswell.error8 > 0.1, `8-bit weights: relative error ${haswell.error8}, expected the saturated sums`);
      assert.ok(haswell.error7 < 1e-6, `7-bit weights: relative error ${haswell.error7}`);
    });

    it('SSE4.2 only (Nehalem): exact with 8-bit weights, and the probe says so', async () => {
      const nehalem = await check('Nehalem');
      assert.deepEqual([nehalem.saturates, nehalem.error8 < 1e-6, nehalem.error7 < 1e-6], [false, true, true], JSON.stringify(nehalem));
    });
  });
});
