// A webview app's one link to its extension: messages both ways, and the state VS Code keeps for the panel while
// it is hidden and across window reloads. VS Code allows acquireVsCodeApi once per page, so one object owns it.

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** ToHost and FromHost: the panel's protocol; State: what the app saves for itself. */
export class ExtensionHost<ToHost, FromHost, State> {
  private readonly api = acquireVsCodeApi();

  /** `app` names the panel in console warnings; `parse` is the protocol's check of a message from the extension. */
  constructor(
    private readonly app: string,
    private readonly parse: (message: unknown) => FromHost | string,
  ) {}

  post(message: ToHost): void {
    this.api.postMessage(message);
  }

  /** The fields the app last saved, each to check (an older version may have saved them); undefined at first. */
  savedState(): Record<string, unknown> | undefined {
    const state = this.api.getState();
    return typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : undefined;
  }

  saveState(state: State): void {
    this.api.setState(state);
  }

  /** Hands every well-formed message from the extension to `handle`; a malformed one is logged and dropped. */
  onMessage(handle: (message: FromHost) => void): void {
    window.addEventListener('message', (event: MessageEvent) => {
      const message = this.parse(event.data);
      if (typeof message === 'string') {
        console.warn(`PASTA ${this.app}: rejected a message from the extension: ${message}`);
        return;
      }
      handle(message);
    });
  }
}
