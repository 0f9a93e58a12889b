/**
 * The Analysis side panel (a WebviewView): HTML shell with a strict CSP, the `ready` handshake,
 * and validated messages in both directions.
 *
 * Owns: the webview's lifecycle. The extension posts only after the webview said `ready`, and
 * answers every `ready` (first load, or reload after the panel was hidden) with the string table
 * and the whole current view state. Must not: decide anything about the workflow (the reviewer
 * and the run controller do); it only carries messages.
 */
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type ToWebview, type ViewState, type WebviewStrings } from '../shared/protocol';
import type { Log } from '../core/ports';
import { cspNonce } from './nonce';

export const VIEW_ID = 'strategicAnalysis.panel';


export class AnalysisPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly getState: () => ViewState,
    private readonly strings: () => WebviewStrings,
    private readonly onMessage: (message: FromWebview) => void,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    view.webview.html = this.html(view.webview);
    this.disposables.push(
      view.webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      view.onDidChangeVisibility(() => {
        // A hidden webview view is discarded; it says `ready` again when shown.
        if (!view.visible) this.ready = false;
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
        }
      }),
    );
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  /**
   * Shows the panel, creating it when needed. With `focus` false (a gate appeared) the editor
   * keeps the keyboard focus; the Open Analyses Panel command moves focus into the panel.
   */
  async reveal(focus = false): Promise<void> {
    if (this.view && !focus) {
      if (!this.view.visible) this.view.show(true);
      return;
    }
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
  }

  /** Sends the current view state (dropped until the webview is ready; `ready` re-sends it). */
  update(): void {
    if (!this.view || !this.ready) return;
    this.post({ type: 'state', state: this.getState() });
  }

  private post(message: ToWebview): void {
    void this.view?.webview.postMessage(message).then(undefined, (err: unknown) => {
      this.log.warn(`Panel message not delivered: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private receive(data: unknown): void {
    const parsed = parseFromWebview(data);
    if (!parsed.ok) {
      this.log.warn(`Ignored an invalid message from the panel: ${parsed.error}`);
      return;
    }
    if (parsed.message.type === 'ready') {
      this.ready = true;
      this.post({ type: 'init', strings: this.strings(), state: this.getState() });
      return;
    }
    try {
      this.onMessage(parsed.message);
    } catch (err) {
      this.log.error(`Panel message ${parsed.message.type} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private html(webview: vscode.Webview): string {
    const n = cspNonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const codicons = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'codicons', 'codicon.css'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${n}'`,
    ].join('; ');
    const lang = vscode.env.language.replace(/[^a-zA-Z-]/g, '') || 'en';
    return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons.toString()}">
<link rel="stylesheet" href="${css.toString()}">
<title>Strategic Analysis</title>
</head>
<body>
<main id="app"></main>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
