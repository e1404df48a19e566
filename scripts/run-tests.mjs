#!/usr/bin/env node
// Runs the test suites with node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|e2e|all] [extra node --test args]
// Under the strict flag (PASTA_STRICT_TESTS=1, which .ci/run sets, or CI=true) a skipped test fails the run:
// the tests fail themselves for a missing requirement (test/helpers/requirements.ts), and this catches the rest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const which = process.argv[2] ?? 'all';
const extra = process.argv.slice(3);
const strict = process.env.PASTA_STRICT_TESTS === '1' || process.env.CI === 'true';

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const suites = which === 'all' ? ['unit', 'e2e'] : [which];
const scratch = mkdtempSync(join(tmpdir(), 'pasta-run-tests-'));
let failed = false;
for (const suite of suites) {
  const files = findTests(join('test', suite));
  if (files.length === 0) continue;
  const skippedFile = join(scratch, `${suite}-skipped.txt`);
  const reporters = strict
    ? [
        '--test-reporter',
        process.stdout.isTTY ? 'spec' : 'tap',
        '--test-reporter-destination',
        'stdout',
        '--test-reporter',
        './scripts/skipped-tests-reporter.mjs',
        '--test-reporter-destination',
        skippedFile,
      ]
    : [];
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporters, ...extra, ...files], { stdio: 'inherit' });
  if (res.status !== 0) failed = true;
  if (strict) {
    const skipped = readFileSync(skippedFile, 'utf8').trim();
    if (skipped) {
      console.error(
        `run-tests: ${skipped.split('\n').length} ${suite} test(s) skipped, and no test may skip in a strict run (PASTA_STRICT_TESTS=1 or CI=true):\n${skipped}`,
      );
      failed = true;
    }
  }
}
rmSync(scratch, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
