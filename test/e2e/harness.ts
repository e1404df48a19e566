// Runs the extension in a real VS Code: code-server (installed by scripts/setup-code-server.sh into a cache
// outside the repository) driven by Debian's Chromium through playwright-core. Every code-server runs in its
// own process group, killed when the test ends, fails or the process exits: extension hosts otherwise linger.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { type Browser, type Frame, type Page, chromium } from 'playwright-core';
import { STRICT, strictFailure } from '../helpers/requirements.js';
import { WebviewProblems } from './webviewProblems.js';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
const CACHE = process.env.PASTA_CODE_SERVER_CACHE ?? join(homedir(), '.cache', 'pasta-studio', 'code-server');
const INSTALL_DIR = join(CACHE, CODE_SERVER_VERSION);
const ENTRY = join(INSTALL_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO_ROOT, '.test-artifacts', 'screenshots');
const EXTENSION_ID = 'pasta-studio.pasta-studio';

function missingForE2e(): string | undefined {
  if (!existsSync(join(INSTALL_DIR, '.installed')) || !existsSync(ENTRY)) {
    return `code-server ${CODE_SERVER_VERSION} is not installed in ${INSTALL_DIR}; run scripts/setup-code-server.sh`;
  }
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing; run scripts/setup-code-server.sh (apt package chromium)`;
  return undefined;
}

/** Why the e2e tests cannot run here, or undefined when they can; under the strict flag a reason throws instead. */
export function skipReason(): string | undefined {
  const why = missingForE2e();
  if (why && STRICT) throw strictFailure(why);
  return why;
}

/**
 * Bundles the extension and its webview apps once per test process, with the options scripts/build.mjs uses.
 * Only what the extension loads is built, so that work in progress elsewhere (the CLI) cannot fail these tests.
 */
let built: Promise<void> | undefined;
export function buildExtension(): Promise<void> {
  built ??= (async () => {
    const common = { bundle: true, sourcemap: true, logLevel: 'warning' as const, absWorkingDir: REPO_ROOT };
    const apps = readdirSync(join(REPO_ROOT, 'webview'), { withFileTypes: true }).filter(
      (d) => d.isDirectory() && existsSync(join(REPO_ROOT, 'webview', d.name, 'main.ts')),
    );
    await Promise.all([
      ...[
        ['src/extension/extension.ts', 'dist/extension.js'],
        ['src/extension/trainingWorker.ts', 'dist/trainingWorker.js'],
      ].map(([entry, outfile]) =>
        build({ ...common, entryPoints: [entry], outfile, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'onnxruntime-node'] }),
      ),
      ...apps.map((d) =>
        build({
          ...common,
          entryPoints: [`webview/${d.name}/main.ts`],
          outfile: `dist/webview/${d.name}.js`,
          platform: 'browser',
          format: 'iife',
          target: 'es2022',
        }),
      ),
    ]);
  })();
  return built;
}

/** Bundles test/extension/suite.ts for the extension host; returns the bundle's absolute path. */
export async function buildExtensionSuite(): Promise<string> {
  const outfile = join(REPO_ROOT, '.test-artifacts', 'extension-suite', 'suite.js');
  await build({
    entryPoints: [join(REPO_ROOT, 'test', 'extension', 'suite.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

/** A temporary workspace folder holding `files` (relative path -> content). */
export function makeWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pasta-e2e-ws-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

export interface CodeServerOptions {
  workspace: string;
  /** false starts with workspace trust enabled and never prompts, so the workspace stays in Restricted Mode. */
  trusted: boolean;
  /**
   * Install the extension by linking the repository into the extensions folder (UI journeys), or from a VSIX with
   * code-server's --install-extension, as a person installs it.
   */
  installExtension: boolean | { vsix: string };
}

export interface CodeServer {
  origin: string;
  port: number;
  workspace: string;
  /** The URL that opens the workspace. */
  workspaceUrl(extraQuery?: string): string;
  /** The last lines code-server wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const home = mkdtempSync(join(tmpdir(), 'pasta-e2e-cs-'));
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  const config = join(home, 'config.yaml');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  mkdirSync(join(home, 'xdg-config'), { recursive: true });
  mkdirSync(join(home, 'xdg-data'), { recursive: true });
  writeFileSync(config, 'auth: none\n');
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'security.workspace.trust.enabled': true,
        // Never ask: an untrusted workspace then stays in Restricted Mode for the whole session.
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'always',
        'window.restoreWindows': 'none',
        // Keys typed by a journey go to the text, never to a suggestion widget.
        'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        'editor.wordBasedSuggestions': 'off',
        'editor.suggestOnTriggerCharacters': false,
        // VS Code for the Web saves after a delay; journeys save when they mean to, as on the desktop.
        'files.autoSave': 'off',
      },
      null,
      2,
    ),
  );
  const env = { ...process.env, XDG_CONFIG_HOME: join(home, 'xdg-config'), XDG_DATA_HOME: join(home, 'xdg-data'), HOME: home };
  if (typeof options.installExtension === 'object') {
    execFileSync(
      process.execPath,
      [ENTRY, '--install-extension', options.installExtension.vsix, '--extensions-dir', extensions, '--user-data-dir', userData, '--config', config],
      { env, stdio: 'pipe' },
    );
  } else if (options.installExtension) {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    symlinkSync(REPO_ROOT, join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
  }
  const port = await freePort();
  const args = [
    ENTRY,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.trusted ? ['--disable-workspace-trust'] : []),
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    '--config',
    config,
    options.workspace,
  ];
  // detached: the child calls setsid(), so it leads a process group that we can kill as a whole.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const origin = `http://127.0.0.1:${port}`;

  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    // The server's children (extension hosts, watchers) share the group: make sure none survive.
    killGroup(child, 'SIGKILL');
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // no process left in the group
      }
    }
    running.delete(child);
    rmSync(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`code-server exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    origin,
    port,
    workspace: options.workspace,
    workspaceUrl: (extra = '') => `${origin}/?folder=${encodeURIComponent(options.workspace)}${extra}`,
    output: () => output,
    stop,
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The query string that runs an extension-host suite the way @vscode/test-electron does. */
export function testPayload(server: CodeServer, suitePath: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO_ROOT)],
    ['extensionTestsPath', remote(suitePath)],
  ];
  return `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
}

const QUICK_INPUT = '.quick-input-widget';

/** Whether the quick input is shown with its input focused (keys typed now reach it). */
function quickInputReady(page: Page): Promise<boolean> {
  return page
    .evaluate((selector) => {
      const widget = document.querySelector<HTMLElement>(selector);
      const input = widget?.querySelector('input');
      return !!widget && !!input && widget.style.display !== 'none' && widget.offsetParent !== null && document.activeElement === input;
    }, QUICK_INPUT)
    .catch(() => false); // the page navigated meanwhile
}

/**
 * Opens the quick input with `key` and waits until it is visible and focused. On a busy machine the key can be
 * handled before the workbench listens, or the widget can close again when something else takes focus: then it
 * is opened again, until the deadline.
 */
async function openQuickInput(page: Page, key: string, deadline: number): Promise<void> {
  for (;;) {
    if (await quickInputReady(page)) {
      // Left open by an earlier attempt: start from an empty one.
      await page.keyboard.press('Escape');
      await page.waitForFunction((s) => document.querySelector<HTMLElement>(s)?.offsetParent == null, QUICK_INPUT, { timeout: 10_000 }).catch(() => undefined);
    }
    await page.keyboard.press(key);
    const opened = await page
      .waitForFunction(
        (s) => {
          const input = document.querySelector<HTMLElement>(s)?.querySelector('input');
          return !!input && input.offsetParent !== null && document.activeElement === input;
        },
        QUICK_INPUT,
        { timeout: 10_000, polling: 100 },
      )
      .then(
        () => true,
        () => false,
      );
    if (opened) return;
    if (Date.now() > deadline) throw new Error(`the quick input never opened and took focus after ${key}`);
  }
}

/**
 * Types `query` into a freshly opened quick input, then clicks the first row that has `rowText`. Retries from the
 * start while the row does not show (the palette can open before the extension's commands are registered) or
 * the quick input loses focus or closes before the click. Resolves once the click was taken: the quick input
 * closed, shows something else, or the page navigated away (Reload Window).
 */
async function pickFromQuickInput(page: Page, key: string, query: string, rowText: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = '';
  for (;;) {
    if (problem && Date.now() > deadline) throw new Error(`quick input "${query}" never listed and took "${rowText}" within ${timeoutMs} ms: ${problem}`);
    await openQuickInput(page, key, deadline);
    const input = page.locator(`${QUICK_INPUT} input`);
    try {
      await input.fill(query, { timeout: 10_000 });
      const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, { hasText: rowText }).first();
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      // Click the row itself: Enter would run whichever row is focused, which may lag behind the filter.
      await row.click({ timeout: 10_000 });
    } catch (err) {
      problem = (err as Error).message.split('\n')[0];
      continue;
    }
    const taken = await page
      .waitForFunction(
        ([s, q]) => {
          const widget = document.querySelector<HTMLElement>(s);
          return !widget || widget.offsetParent === null || widget.querySelector('input')?.value !== q;
        },
        [QUICK_INPUT, query] as const,
        { timeout: 15_000, polling: 100 },
      )
      .then(
        () => true,
        (err: Error) => /context was destroyed|navigat|Target .*closed/i.test(err.message),
      );
    if (taken) return;
    problem = `the click on "${rowText}" was not taken`;
  }
}

/** Runs a command from the palette (F1) by its title. */
export async function runFromPalette(page: Page, title: string, timeoutMs = 90_000): Promise<void> {
  await pickFromQuickInput(page, 'F1', `>${title}`, title, timeoutMs);
}

/**
 * Opens a workspace file through Quick Open (Ctrl+P) and waits until it is the active editor: a tab of the file
 * that was open already proves nothing, and a webview that takes focus late can make another editor active.
 */
export async function openFile(page: Page, relativePath: string, timeoutMs = 90_000): Promise<void> {
  const name = relativePath.split('/').at(-1)!;
  const active = page.locator(`.editor-group-container.active .tab.active[data-resource-name="${name}"]`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await pickFromQuickInput(page, 'Control+P', relativePath, name, Math.max(deadline - Date.now(), 10_000));
    if (
      await active.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`${relativePath} never became the active editor within ${timeoutMs} ms`);
  }
}

/** The content frame of the webview whose document has `selector`. */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('fake.html') && !frame.url().includes('/webview/')) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        // the frame navigated away meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview frame with ${selector} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Double-clicks `word` inside a webview's `container`, as a person selecting it with the mouse would. */
export async function doubleClickWord(frame: Frame, word: string, container = '#text'): Promise<void> {
  const text = frame.locator(container);
  const box = await text.evaluate((el, w) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(w) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      const r = range.getBoundingClientRect();
      const outer = el.getBoundingClientRect();
      return { x: r.left - outer.left + r.width / 2, y: r.top - outer.top + r.height / 2 };
    }
    return undefined;
  }, word);
  if (!box) throw new Error(`"${word}" is not shown in ${container}`);
  await text.dblclick({ position: box });
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export { EXTENSION_ID };

export interface JourneyOptions {
  /** Screenshot name taken when the journey throws. */
  failureShot: string;
  trusted?: boolean;
  /** Install this VSIX instead of linking the repository. */
  vsix?: string;
}

/**
 * Runs a UI journey in a real VS Code on `workspace` (with the extension installed): code-server, Chromium,
 * the workbench loaded, webview problems collected (the journey fails on any, see webviewProblems.ts; CSP
 * violations are also handed to the journey); on failure a screenshot and the server's last output; always the
 * browser closed, the server stopped and the workspace removed.
 */
export async function inVsCode(workspace: string, journey: (page: Page, cspViolations: string[]) => Promise<void>, options: JourneyOptions): Promise<void> {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace, trusted: options.trusted ?? true, installExtension: options.vsix ? { vsix: options.vsix } : true });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const webviews = new WebviewProblems(page);
    try {
      await page.goto(server.workspaceUrl());
      await waitForWorkbench(page);
      await journey(page, webviews.cspViolations);
    } catch (err) {
      await screenshot(page, options.failureShot).catch(() => undefined);
      const seen = webviews.problems.length > 0 ? `\nwebview problems seen:\n${[...new Set(webviews.problems)].join('\n')}` : '';
      throw new Error(`${(err as Error).message}${seen}\n${server.output().slice(-2000)}`, { cause: err });
    }
    if (webviews.problems.length > 0) {
      await screenshot(page, options.failureShot).catch(() => undefined);
      throw new Error(`the journey passed, but its webviews had problems:\n${[...new Set(webviews.problems)].join('\n')}`);
    }
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
