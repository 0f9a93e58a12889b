#!/usr/bin/env node
// Runs the extension-host suite (out/test/suite/index.js) in a desktop VS Code downloaded by
// @vscode/test-electron — for a developer machine with internet access and a display (on Linux
// without one: `xvfb-run -a npm run test:electron`). `npm test` runs the same suite in
// code-server instead (test/suite-host), which needs no download.
//   VSCODE_TEST_VERSION   VS Code version to download (default: stable; e.g. 1.100.3)
// Prints the per-test results and ends with `N passed, N failed`.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suiteEntry = path.join(root, 'out', 'test', 'suite', 'index.js');
const version = process.env.VSCODE_TEST_VERSION || 'stable';
const DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;
const TOTAL_TIMEOUT_MS = 20 * 60_000;

function fail(message) {
  console.error(`test:electron: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Nothing here may wait forever: a stalled download or a hung window ends the run.
const watchdog = setTimeout(() => fail(`no result after ${TOTAL_TIMEOUT_MS / 60_000} minutes; giving up.`), TOTAL_TIMEOUT_MS);
watchdog.unref();

if (!existsSync(suiteEntry)) fail('out/test/suite/index.js is missing: run `npm run compile:tests` first.');
if (!existsSync(path.join(root, 'dist', 'extension.js'))) fail('dist/extension.js is missing: run `npm run build` first.');

let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({
    version,
    cachePath: path.join(root, '.vscode-test'),
    timeout: DOWNLOAD_IDLE_TIMEOUT_MS,
  });
} catch (error) {
  fail(
    `could not download VS Code ${version} (${error instanceof Error ? error.message : String(error)}).\n` +
      'This script needs internet access to the VS Code update service. Without it, run the same suite in ' +
      'code-server: `npm run test:vscode`.',
  );
}

const tempRoot = mkdtempSync(path.join(os.tmpdir(), 'sa-electron-'));
const workspace = path.join(tempRoot, 'workspace');
cpSync(path.join(root, 'test', 'harness', 'workspace'), workspace, { recursive: true });
const resultsFile = path.join(tempRoot, 'results.json');

let exitCode = 0;
try {
  exitCode = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: suiteEntry,
    extensionTestsEnv: {
      STRATEGIC_ANALYSIS_TEST_RESULTS: resultsFile,
      ANTHROPIC_API_KEY: '',
      EXA_API_KEY: '',
    },
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${path.join(tempRoot, 'user-data')}`,
    ],
  });
} catch (error) {
  exitCode = typeof error === 'number' ? error : 1;
  if (typeof error !== 'number') console.error(`test:electron: ${error instanceof Error ? error.message : String(error)}`);
}

let passed = 0;
let failed = 0;
if (existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  if (report.fatal) console.error(`test:electron: the suite could not run: ${report.fatal}`);
  for (const result of report.results) {
    if (result.state === 'passed') passed += 1;
    if (result.state === 'failed') failed += 1;
  }
}
if (exitCode !== 0 && failed === 0) failed = 1;
rmSync(tempRoot, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode === 0 && failed === 0 ? 0 : 1);
