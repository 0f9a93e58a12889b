/**
 * One UI test session: the fake Anthropic and Exa APIs (answering with the demo mode's canned
 * answers), a code-server pointed at them, a headless Chromium and a workbench window with the
 * extension loaded. A test file opens one session and reuses it for its tests; close() tears
 * everything down even when parts of the start-up failed.
 */
import { startFakeAnthropic, type AnthropicResponderInput, type FakeAnthropicServer } from '../fakes/anthropicServer';
import { startFakeExa, type FakeExaServer } from '../fakes/exaServer';
import { demoReply, type DemoReply } from '../helpers/fakeRun';
import { closeBrowser, launchBrowser, openWorkbench, type Workbench } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import type { Browser } from 'playwright-core';

/**
 * The fake Anthropic server's answer: what demo mode would answer to the same request, with its
 * citations of the attached documents in the wire shape.
 */
export function cannedAnswer(input: AnthropicResponderInput): DemoReply {
  return demoReply(input);
}

/** The canned answer's text alone (for the steps whose answers carry no citations). */
export function cannedText(input: AnthropicResponderInput): string {
  const answer = demoReply(input);
  return typeof answer === 'string' ? answer : answer.blocks.map((b) => b.text).join('');
}

/** An answer with `extra` text after it (a block of its own, citing nothing). */
export function withExtraText(answer: DemoReply, extra: string): DemoReply {
  return typeof answer === 'string' ? answer + extra : { blocks: [...answer.blocks, { text: extra }] };
}

export interface SessionOptions {
  /** Names the code-server log and the screenshots. */
  name: string;
  /** Start the fake APIs and point the extension at them (keys through the environment). */
  fakes?: boolean;
  settings?: Record<string, unknown>;
  /** Install and run this packaged extension instead of the sources (development mode). */
  vsix?: string;
}

export interface Session {
  server: CodeServer;
  browser: Browser;
  workbench: Workbench;
  anthropic?: FakeAnthropicServer;
  exa?: FakeExaServer;
  /** Opens a fresh window on the same server (the old one is closed). */
  reopen(): Promise<Workbench>;
  close(): Promise<void>;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  let anthropic: FakeAnthropicServer | undefined;
  let exa: FakeExaServer | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workbench: Workbench | undefined;
  const close = async (): Promise<void> => {
    await workbench?.close();
    await closeBrowser(browser);
    await server?.stop();
    await anthropic?.close().catch(() => undefined);
    await exa?.close().catch(() => undefined);
  };
  try {
    const settings: Record<string, unknown> = { ...(options.settings ?? {}) };
    const env: Record<string, string | undefined> = {
      // Keys of the machine running the tests must never reach the extension.
      ANTHROPIC_API_KEY: undefined,
      EXA_API_KEY: undefined,
    };
    if (options.fakes) {
      anthropic = await startFakeAnthropic({ responder: cannedAnswer });
      exa = await startFakeExa();
      settings['strategicAnalysis.anthropic.baseUrl'] ??= anthropic.url;
      settings['strategicAnalysis.exa.baseUrl'] ??= exa.url;
      settings['strategicAnalysis.demoMode'] ??= 'off';
      env.ANTHROPIC_API_KEY = anthropic.apiKey;
      env.EXA_API_KEY = exa.apiKey;
    }
    server = await startCodeServer({ name: options.name, settings, env, vsix: options.vsix });
    browser = await launchBrowser();
    workbench = await openWorkbench(browser, server);
    await workbench.extensionLoaded();
  } catch (error) {
    await close();
    throw error;
  }
  const session: Session = {
    server,
    browser,
    workbench,
    anthropic,
    exa,
    reopen: async () => {
      await session.workbench.close();
      workbench = await openWorkbench(session.browser, session.server);
      session.workbench = workbench;
      await workbench.extensionLoaded();
      return workbench;
    },
    close,
  };
  return session;
}
