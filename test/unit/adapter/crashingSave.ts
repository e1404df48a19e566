// Child process for the crash tests: saves an adapter and kills itself with SIGKILL just before its n-th rename or
// removal, so the parent can check what a real crash at that point leaves on disk.
import { promises as fs } from 'node:fs';
import { fixtureConfig, fixtureTensors } from './adapterFixture.js';

const [dir, seedText, killAtText] = process.argv.slice(2);
const killAt = Number(killAtText);
let step = 0;
for (const method of ['rename', 'rm'] as const) {
  const original = fs[method] as (...args: unknown[]) => Promise<void>;
  (fs as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    step++;
    if (step === killAt) process.kill(process.pid, 'SIGKILL');
    return original.apply(fs, args);
  };
}
void (async () => {
  const { saveAdapter } = await import('../../../src/core/adapter/index.js');
  const config = fixtureConfig({ hidden: 64, layers: 4 });
  await saveAdapter(dir, config, fixtureTensors(config, Number(seedText)));
  process.stdout.write(`steps ${step}\n`);
})();
