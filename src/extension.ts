/**
 * Extension entry point: wires the VS Code layer to the workflow core. Nothing else lives here.
 */
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // The VS Code layer (src/vscode/) registers commands and views here.
}

export function deactivate(): void {}
