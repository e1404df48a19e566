// The strict flag: a test that needs something missing skips with the reason on a developer's machine and fails
// with it under PASTA_STRICT_TESTS=1 (or CI=true); run-tests.mjs's reporter lists whatever skipped anyway.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const REPO = resolve(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'pasta-strict-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fixture = join(dir, 'needs.test.ts');
writeFileSync(
  fixture,
  `import { test } from 'node:test';
import { skipIfMissing } from ${JSON.stringify(join(REPO, 'test', 'helpers', 'requirements.ts'))};
test('needs the thing', { skip: skipIfMissing('the thing is not installed (run setup)') }, () => {});
test('needs nothing', { skip: skipIfMissing(undefined) }, () => {});
test('skips by itself', (t) => t.skip('not applicable here'));
`,
);

function runNodeTest(env: { CI?: string; PASTA_STRICT_TESTS?: string }, extraArgs: string[] = []) {
  // NODE_TEST_CONTEXT would make the child report to this test runner instead of printing its own report.
  const { CI: _ci, PASTA_STRICT_TESTS: _strict, NODE_TEST_CONTEXT: _context, ...rest } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter', 'tap', '--test-reporter-destination', 'stdout', ...extraArgs, fixture], {
    cwd: REPO,
    env: { ...rest, ...env },
    encoding: 'utf8',
  });
}

test('without the flag a missing requirement skips the test with its reason', () => {
  const run = runNodeTest({});
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /# SKIP the thing is not installed \(run setup\)/);
  assert.match(run.stdout, /# pass 1\n# fail 0\n# cancelled 0\n# skipped 2/);
});

for (const env of [{ PASTA_STRICT_TESTS: '1' }, { CI: 'true' }]) {
  test(`with ${Object.keys(env)[0]} a missing requirement fails with its reason`, () => {
    const run = runNodeTest(env);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /the thing is not installed \(run setup\) \(tests run strict here/);
    assert.doesNotMatch(run.stdout, /# SKIP the thing/);
  });
}

test('the skipped-tests reporter lists every skipped test with its reason', () => {
  const list = join(dir, 'skipped.txt');
  const run = runNodeTest({}, ['--test-reporter', './scripts/skipped-tests-reporter.mjs', '--test-reporter-destination', list]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.deepEqual(readFileSync(list, 'utf8').trim().split('\n'), [
    `${fixture}: needs the thing: the thing is not installed (run setup)`,
    `${fixture}: skips by itself: not applicable here`,
  ]);
});
