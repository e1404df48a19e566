// Extracts named entries of a zip (a .nupkg is one) to files, streaming: the CUDA package is hundreds of MB.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { CudaInstallError } from './installError.js';

/** Writes each `entry name -> destination path`; names every entry the zip lacks. */
export async function extractEntries(zipPath: string, wanted: ReadonlyMap<string, string>): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw new CudaInstallError('protocol', `${zipPath} is not a readable zip: ${(error as Error).message}`);
  }
  const missing = new Set(wanted.keys());
  try {
    for await (const entry of zip.eachEntry()) {
      const destination = wanted.get(entry.fileName);
      if (destination === undefined) continue;
      try {
        await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(destination));
      } catch (error) {
        const { syscall, code } = error as NodeJS.ErrnoException;
        if (syscall) throw new CudaInstallError('io', `cannot write ${destination}: ${code}`);
        throw new CudaInstallError('protocol', `${zipPath}: entry ${entry.fileName} is damaged: ${(error as Error).message}`);
      }
      missing.delete(entry.fileName);
    }
  } finally {
    zip.close();
  }
  if (missing.size > 0) throw new CudaInstallError('protocol', `${zipPath} has no ${[...missing].join(', ')}`);
}
