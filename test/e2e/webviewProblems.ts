// What goes wrong inside the webviews of a workbench page: a resource the webview links that its service worker
// refuses (401 outside localResourceRoots, 404) or that fails to load, console errors of webview documents and
// resources, uncaught errors in webview scripts, and CSP violations. A journey fails on any of them.
import type { Page, Request } from 'playwright-core';

/** Webview documents (pre/index.html, pre/fake.html) and the resources they load through the service worker. */
const WEBVIEW_URL = /\/webview\/browser\/pre\/|\.vscode-resource\.vscode-cdn\.net\//;

function frameUrl(request: Request): string {
  try {
    return request.frame().url();
  } catch {
    return ''; // a service worker's own request has no frame
  }
}

const short = (url: string) => url.replace(/^https:\/\/[^/]*\.vscode-resource\.vscode-cdn\.net/, '').replace(/\?.*$/, '');

export class WebviewProblems {
  /** Every problem seen so far, one line each. */
  readonly problems: string[] = [];
  /** The CSP violations among them (and on the whole page), for journeys that assert them alone. */
  readonly cspViolations: string[] = [];

  constructor(page: Page) {
    const fromWebview = (request: Request) => WEBVIEW_URL.test(request.url()) || WEBVIEW_URL.test(frameUrl(request));
    page.on('response', (response) => {
      if (response.status() >= 400 && fromWebview(response.request())) {
        this.problems.push(`webview request answered ${response.status()}: ${short(response.url())}`);
      }
    });
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText ?? '';
      // Aborted: the webview replaced its document (or closed) while the request was in flight; a refused
      // resource is reported by its response above.
      if (fromWebview(request) && error !== 'net::ERR_ABORTED') this.problems.push(`webview request failed (${error}): ${short(request.url())}`);
    });
    page.on('console', (message) => {
      const text = message.text();
      // Chromium reports CSP violations in webview iframes on the page's console.
      if (/Content Security Policy/i.test(text)) {
        this.cspViolations.push(`${message.location().url}: ${text}`);
        this.problems.push(`CSP violation: ${text}`);
      } else if (message.type() === 'error' && WEBVIEW_URL.test(message.location().url)) {
        this.problems.push(`webview console error at ${short(message.location().url)}: ${text}`);
      }
    });
    page.on('pageerror', (error) => {
      if (/vscode-resource/.test(error.stack ?? '')) this.problems.push(`uncaught error in a webview script: ${error.message}`);
    });
  }
}
