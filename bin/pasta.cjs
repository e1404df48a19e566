#!/usr/bin/env node
'use strict';
// The `pasta` command of the npm package: the bundled CLI, built by `npm run build` (run by `npm install`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write(`pasta: ${bundle} is missing; run "npm run build" in ${join(__dirname, '..')}\n`);
  process.exit(2);
}
require('../dist/cli.js');
