/**
 * Entry point of the test suite that runs inside the VS Code extension host. `run()` is the
 * contract of `--extensionTestsPath` (desktop VS Code through @vscode/test-electron, and
 * code-server through the workbench's `payload` URL parameter): it runs every
 * `*.test.js` file next to this one with mocha (BDD) and settles when they are done; it rejects
 * when a test failed.
 *
 * Each test's result is also reported to the process that started VS Code:
 *  - as JSON, written to the file named by STRATEGIC_ANALYSIS_TEST_RESULTS when it is set;
 *  - as one console line per test, `[suite-result] {json}`, which the workbench forwards to
 *    `codeAutomationLog`.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export interface SuiteTestResult {
  /** Suite titles and test title, joined by " › ". */
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface SuiteReport {
  results: SuiteTestResult[];
  /** Set when the suite could not run at all (a file failed to load, for example). */
  fatal?: string;
}

export const RESULTS_ENV = 'STRATEGIC_ANALYSIS_TEST_RESULTS';
export const RESULT_LINE_PREFIX = '[suite-result] ';

function fullTitle(test: Mocha.Runnable): string {
  return test.titlePath().join(' › ');
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function writeReport(report: SuiteReport): void {
  const file = process.env[RESULTS_ENV];
  if (file) writeFileSync(file, JSON.stringify(report, null, 2));
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const here = __dirname;
  const only = process.env.STRATEGIC_ANALYSIS_TEST_GREP;
  if (only) mocha.grep(only);
  const files = readdirSync(here)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const name of files) mocha.addFile(path.join(here, name));

  const report: SuiteReport = { results: [] };
  const record = (result: SuiteTestResult): void => {
    report.results.push(result);
    console.log(RESULT_LINE_PREFIX + JSON.stringify(result));
  };

  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        writeReport(report);
        if (failures > 0) reject(new Error(`${failures} extension host test(s) failed`));
        else resolve();
      });
    } catch (error) {
      report.fatal = describeError(error);
      writeReport(report);
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    runner.on('pass', (test) => record({ title: fullTitle(test), state: 'passed', durationMs: test.duration ?? 0 }));
    runner.on('fail', (test, error) =>
      record({ title: fullTitle(test), state: 'failed', durationMs: test.duration ?? 0, error: describeError(error) }),
    );
    runner.on('pending', (test) => record({ title: fullTitle(test), state: 'pending', durationMs: 0 }));
  });
}
