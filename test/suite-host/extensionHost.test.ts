/**
 * Runs the extension-host suite (out/test/suite/index.js, mocha) inside a real VS Code:
 * code-server with the extension loaded in development mode and the suite passed as
 * `extensionTestsPath` through the workbench URL. Every mocha result becomes a node:test subtest,
 * so the counts show up in the test run's total.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startCodeServer, PROJECT_ROOT, type CodeServer } from '../harness/codeServer';
import { closeBrowser, launchBrowser, openWorkbench, type Workbench } from '../harness/browser';
import { RESULTS_ENV, RESULT_LINE_PREFIX, type SuiteReport, type SuiteTestResult } from '../suite/index';

const SUITE_TIMEOUT_MS = 5 * 60_000;
const SUITE_ENTRY = path.join(PROJECT_ROOT, 'out', 'test', 'suite', 'index.js');

test('extension host suite in code-server', { timeout: SUITE_TIMEOUT_MS + 120_000 }, async (t) => {
  assert.ok(existsSync(SUITE_ENTRY), `${SUITE_ENTRY} is missing: run \`npm run compile:tests\``);
  assert.ok(existsSync(path.join(PROJECT_ROOT, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build`');
  const resultsFile = path.join(os.tmpdir(), `sa-suite-results-${process.pid}-${Date.now()}.json`);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workbench: Workbench | undefined;
  const lines: SuiteTestResult[] = [];
  const hostLog: string[] = [];
  const started = Date.now();
  const mark = (what: string): void => t.diagnostic(`${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    server = await startCodeServer({
      name: 'suite-host',
      env: {
        [RESULTS_ENV]: resultsFile,
        // The suite must not depend on keys of the machine it runs on.
        ANTHROPIC_API_KEY: undefined,
        EXA_API_KEY: undefined,
        STRATEGIC_ANALYSIS_TEST_GREP: process.env.STRATEGIC_ANALYSIS_TEST_GREP,
      },
    });
    mark('code-server ready');
    browser = await launchBrowser();
    let exitCode: number | undefined;
    const exited = new Promise<number>((resolve) => {
      const open = openWorkbench(browser as Browser, server as CodeServer, {
        extensionTestsPath: SUITE_ENTRY,
        waitForWorkbench: false,
        onAutomationExit: (code) => {
          exitCode = code;
          resolve(code);
        },
        onAutomationLog: (_type, args) => {
          const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
          hostLog.push(text);
          const at = text.indexOf(RESULT_LINE_PREFIX);
          if (at >= 0) {
            try {
              lines.push(JSON.parse(text.slice(at + RESULT_LINE_PREFIX.length)) as SuiteTestResult);
            } catch {
              // A console line that only looks like a result.
            }
          }
        },
      });
      void open.then((w) => (workbench = w));
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS);
    });
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    mark('suite finished');
    if (outcome === 'timeout') {
      await workbench?.saveArtifacts('suite-host-timeout');
      assert.fail(
        `the extension host suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s.\nExtension host console (last lines):\n${hostLog.slice(-40).join('\n')}`,
      );
    }

    let report: SuiteReport = { results: lines };
    if (existsSync(resultsFile)) report = JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteReport;
    if (report.fatal) assert.fail(`the suite could not run: ${report.fatal}`);
    assert.ok(
      report.results.length > 0,
      `the suite reported no tests (exit code ${exitCode}).\nExtension host console (last lines):\n${hostLog.slice(-40).join('\n')}`,
    );
    for (const result of report.results) {
      await t.test(result.title, { skip: result.state === 'pending' }, () => {
        if (result.state === 'failed') {
          // The stack is the one from the extension host; the runner's own frames add nothing.
          const error = new Error(result.error ?? 'failed');
          error.stack = result.error ?? 'failed';
          throw error;
        }
      });
    }
    const failed = report.results.filter((r) => r.state === 'failed').length;
    assert.equal(exitCode === 0, failed === 0, `exit code ${exitCode} but ${failed} failed test(s)`);
  } finally {
    await workbench?.close();
    await closeBrowser(browser);
    await server?.stop();
    rmSync(resultsFile, { force: true });
    mark('cleaned up');
  }
});
