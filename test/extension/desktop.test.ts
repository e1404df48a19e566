// The extension-host suite as Mocha tests, for @vscode/test-cli in desktop VS Code (.vscode-test.mjs): each
// check becomes one test. CI runs the same checks in code-server (test/e2e/extensionHost.test.ts).
import { checks } from './suite.js';

// Mocha's TDD interface, which @vscode/test-cli provides as globals inside the extension host.
declare function suite(name: string, body: () => void): void;
declare function test(name: string, body: () => Promise<void>): void;

suite('PASTA Studio in the extension host', () => {
  for (const [name, body] of checks) test(name, body);
});
