/**
 * Runs inside the VS Code extension host (given as `extensionTestsPath`): activates the
 * extension, reads the activation time it reports in its API (`activationMs`, measured inside
 * activate()) and hands it to the benchmark, as a JSON file named by the environment variable
 * below and as one console line that the workbench forwards.
 */
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, PROBE_LINE_PREFIX, PROBE_RESULT_ENV, type ProbeResult } from './activationProtocol';

export async function run(): Promise<void> {
  const result: ProbeResult = { activationMs: null, activateCallMs: null };
  try {
    const extension = vscode.extensions.getExtension<{ activationMs?: unknown }>(EXTENSION_ID);
    if (!extension) throw new Error(`The extension ${EXTENSION_ID} is not loaded in this window.`);
    const started = performance.now();
    const api = extension.isActive ? extension.exports : await extension.activate();
    result.activateCallMs = performance.now() - started;
    if (typeof api?.activationMs !== 'number') throw new Error('The extension API does not report activationMs.');
    result.activationMs = api.activationMs;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  const file = process.env[PROBE_RESULT_ENV];
  if (file) writeFileSync(file, JSON.stringify(result));
  console.log(PROBE_LINE_PREFIX + JSON.stringify(result));
  if (result.error) throw new Error(result.error);
}
