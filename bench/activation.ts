/**
 * Measures the extension's activation time inside a real extension host: code-server (installed
 * by scripts/setup-vscode-test.sh) with the extension loaded in development mode from this
 * folder (so the production dist/extension.js just built) and activationProbe.js as the
 * extension tests module.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeBrowser, launchBrowser, openWorkbench, type Workbench } from '../test/harness/browser';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../test/harness/codeServer';
import { PROBE_LINE_PREFIX, PROBE_RESULT_ENV, type ProbeResult } from './activationProtocol';

const PROBE_TIMEOUT_MS = 120_000;

export interface ActivationMeasurement {
  activationMs: number | null;
  activateCallMs: number | null;
  /** Why there is no figure (code-server or Chromium missing, the probe failed). */
  note?: string;
  elapsedMs: number;
}

export async function measureActivation(): Promise<ActivationMeasurement> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  if (!codeServerInstalled()) {
    return {
      activationMs: null,
      activateCallMs: null,
      note: 'code-server is not installed: run `bash scripts/setup-vscode-test.sh` to measure the activation time.',
      elapsedMs: elapsed(),
    };
  }
  const probe = path.join(__dirname, 'activationProbe.js');
  const resultFile = path.join(os.tmpdir(), `sa-bench-activation-${process.pid}-${Date.now()}.json`);
  let server: CodeServer | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let workbench: Workbench | undefined;
  let fromLog: ProbeResult | undefined;
  try {
    server = await startCodeServer({
      name: 'bench-activation',
      env: { [PROBE_RESULT_ENV]: resultFile, ANTHROPIC_API_KEY: undefined, EXA_API_KEY: undefined },
    });
    browser = await launchBrowser();
    const exited = new Promise<number>((resolve) => {
      void openWorkbench(browser!, server!, {
        extensionTestsPath: probe,
        waitForWorkbench: false,
        onAutomationExit: (code) => resolve(code),
        onAutomationLog: (_type, args) => {
          const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
          const at = text.indexOf(PROBE_LINE_PREFIX);
          if (at >= 0) {
            try {
              fromLog = JSON.parse(text.slice(at + PROBE_LINE_PREFIX.length)) as ProbeResult;
            } catch {
              // Only looked like the probe's line.
            }
          }
        },
      }).then((w) => (workbench = w));
    });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), PROBE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    const result: ProbeResult | undefined = existsSync(resultFile)
      ? (JSON.parse(readFileSync(resultFile, 'utf8')) as ProbeResult)
      : fromLog;
    if (outcome === 'timeout' && !result) {
      return { activationMs: null, activateCallMs: null, note: `the probe did not report within ${PROBE_TIMEOUT_MS / 1000} s`, elapsedMs: elapsed() };
    }
    if (!result) return { activationMs: null, activateCallMs: null, note: `the probe exited (code ${String(outcome)}) without a result`, elapsedMs: elapsed() };
    return {
      activationMs: result.activationMs,
      activateCallMs: result.activateCallMs,
      note: result.error ? `the probe failed: ${result.error}` : undefined,
      elapsedMs: elapsed(),
    };
  } catch (err) {
    return {
      activationMs: null,
      activateCallMs: null,
      note: `the activation could not be measured: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      elapsedMs: elapsed(),
    };
  } finally {
    await workbench?.close();
    await closeBrowser(browser);
    await server?.stop();
    rmSync(resultFile, { force: true });
  }
}
