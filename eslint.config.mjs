// ESLint (flat config): typescript-eslint's recommended rules, no import cycles, and the layering as rules.
// Syntax-only (no type information), so a run takes seconds; `tsc --noEmit` does the type checking.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const webviewApps = readdirSync('webview', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'shared')
  .map((d) => d.name);

const noVscode = { name: 'vscode', message: 'Only src/extension talks to VS Code.' };

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.test-artifacts/', 'test/fixtures/', 'samples/', '**/*.py'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
      // The files no-cycle follows (and parses) when it walks the imports.
      'import-x/extensions': ['.ts', '.mjs', '.js'],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-self-import': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/core',
              from: ['./src/extension', './src/cli', './src/protocol'],
              message: 'src/core is the bottom layer: it imports nothing from the extension, the CLI or the protocols.',
            },
            { target: './src/protocol', from: ['./src/extension', './src/cli'], message: 'Protocols sit below the extension and the CLI.' },
            { target: './src/cli', from: './src/extension', message: 'The CLI runs without VS Code: it imports nothing from src/extension.' },
            {
              target: './webview',
              from: './src',
              except: ['./protocol', './core/data/types.ts'],
              message: 'Webviews import only src/protocol, webview/shared and (types only) src/core/data/types.',
            },
            ...webviewApps.map((app) => ({
              target: `./webview/${app}`,
              from: webviewApps.filter((other) => other !== app).map((other) => `./webview/${other}`),
              message: 'Webview apps share code only through webview/shared.',
            })),
          ],
        },
      ],
    },
  },
  {
    // The product's modules; tests and scripts only import them, so no cycle can pass through those.
    files: ['src/**', 'webview/**'],
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/core/**', 'src/protocol/**', 'src/cli/**', 'webview/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['webview/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [{ regex: '/src/core/data/types(\\.js)?$', allowTypeImports: true, message: 'Webviews take only types from src/core/data/types.' }],
        },
      ],
    },
  },
  {
    files: ['test/**'],
    // Tests match the CLI's aligned output literally: '  0  success' reads better than ' {2}0 {2}success'.
    rules: { 'no-regex-spaces': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly' } },
  },
);
