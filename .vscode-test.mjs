// @vscode/test-cli: `npm run test:desktop` downloads desktop VS Code (@vscode/test-electron) and runs the
// extension-host suite in it. CI runs the same checks in code-server instead (test/e2e/extensionHost.test.ts).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'extension host',
  files: '.test-artifacts/extension-suite/desktop.test.js',
  workspaceFolder: '.test-artifacts/extension-suite/workspace',
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'tdd', timeout: 180_000 },
});
