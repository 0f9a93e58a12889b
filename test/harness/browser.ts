/**
 * Drives the code-server workbench with Playwright (playwright-core and the system's Chromium:
 * no browser download). Helpers for what the UI tests do: open a window, run a command from the
 * palette, find the extension's webview, click by role and name, wait for editor tabs, keep a
 * screenshot when something fails.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS_DIR, type CodeServer } from './codeServer';
import { settlesWithin } from './time';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const UI_TIMEOUT_MS = 20_000;
const WORKBENCH_TIMEOUT_MS = 60_000;

export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error('Chromium was not found: run `bash scripts/setup-vscode-test.sh` (installs the chromium package).');
  }
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Closes the browser, giving up (and killing it) when it does not close in time. */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  await settlesWithin(browser.close(), 10_000);
}

export interface OpenOptions {
  extensionTestsPath?: string;
  /** Called when the workbench reports the end of an extension test run. */
  onAutomationExit?: (code: number) => void;
  /** Receives the extension host's console when a test suite runs. */
  onAutomationLog?: (type: string, args: unknown[]) => void;
  /** Wait for the workbench to render (default true). */
  waitForWorkbench?: boolean;
}

export class Workbench {
  readonly console: string[] = [];

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly server: CodeServer,
  ) {
    page.on('console', (message) => {
      this.console.push(`[${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => this.console.push(`[pageerror] ${error.message}`));
  }

  /** Waits until the workbench has rendered and the extension host is up. */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
    await this.page.locator('.statusbar').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
  }

  /**
   * Waits until the extension's view container shows in the activity bar: its manifest is
   * loaded, and its commands are in the palette.
   */
  async extensionLoaded(containerTitle = 'Strategic Analysis'): Promise<void> {
    await this.page
      .locator(`.activitybar .action-item a[aria-label^="${containerTitle}"], .activitybar .action-item[aria-label^="${containerTitle}"]`)
      .first()
      .waitFor({ state: 'attached', timeout: WORKBENCH_TIMEOUT_MS });
  }

  /**
   * Runs a command through the command palette: F1, type the title, pick the entry whose label is
   * exactly that title, Enter.
   */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: title }) })
      .first();
    // Right after a start or a reload the palette may not know the extension's commands yet:
    // close it and ask again until the entry shows up.
    const until = Date.now() + UI_TIMEOUT_MS;
    for (;;) {
      if (!(await input.isVisible().catch(() => false))) {
        await this.page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
        if (!(await input.isVisible().catch(() => false))) {
          if (Date.now() > until) throw new Error('The command palette does not open');
          continue;
        }
      }
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: 3_000 });
        break;
      } catch (error) {
        if (Date.now() > until) throw error;
        await this.page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
        await this.page.waitForTimeout(500);
      }
    }
    // Enter runs the focused (first) entry; make sure it is the one asked for.
    const focused = this.page.locator('.quick-input-list .monaco-list-row.focused .label-name');
    const label = (await focused.textContent({ timeout: UI_TIMEOUT_MS })) ?? '';
    if (!label.replace(/\s+/g, ' ').includes(title)) {
      await row.click();
    } else {
      await this.page.keyboard.press('Enter');
    }
    // The palette closes, or the command opens its own quick input right away.
    const deadline = Date.now() + UI_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const visible = await input.isVisible().catch(() => false);
      const value = visible ? await input.inputValue().catch(() => '') : '';
      if (!visible || !value.startsWith('>')) return;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`The command palette did not run "${title}"`);
  }

  /** The labels the palette offers for a query (used to check contributed commands). */
  async paletteEntries(query: string): Promise<string[]> {
    const input = this.page.locator('.quick-input-widget input.input');
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill(`>${query}`);
    const rows = this.page.locator('.quick-input-list .monaco-list-row .label-name');
    await rows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // The list filters asynchronously: wait until it stops changing.
    let previous = '';
    for (let i = 0; i < 20; i += 1) {
      const current = (await rows.allTextContents()).join('\n');
      if (current === previous) break;
      previous = current;
      await this.page.waitForTimeout(150);
    }
    const labels = (await rows.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
    await this.page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    return labels;
  }

  /** Types into the focused quick input (input box or quick pick) and accepts it. */
  async answerQuickInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Waits for a quick input whose prompt, title or placeholder contains `text`. */
  async waitForQuickInput(text: string | RegExp): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const deadline = Date.now() + UI_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const title = (await widget.locator('.quick-input-title').textContent().catch(() => '')) ?? '';
      const message = (await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? '';
      const placeholder = (await widget.locator('input.input').getAttribute('placeholder').catch(() => '')) ?? '';
      const all = `${title}\n${message}\n${placeholder}`;
      if (typeof text === 'string' ? all.includes(text) : text.test(all)) return;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`No quick input showing "${String(text)}"`);
  }

  /**
   * The frame holding the content of a webview that contains `selector` (a webview's content is
   * a frame nested in the webview's host frame). Waits until such a frame exists.
   */
  async webviewFrame(selector: string, timeout = UI_TIMEOUT_MS): Promise<Frame> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        try {
          if ((await frame.locator(selector).count()) > 0) return frame;
        } catch {
          // The frame navigated or went away while being queried.
        }
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`No webview frame contains ${selector}`);
  }

  /**
   * A locator for the first element with this role and accessible name in any webview frame,
   * waiting until one is visible.
   */
  async findInWebviews(role: Parameters<Frame['getByRole']>[0], name: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<Locator> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        try {
          const locator = frame.getByRole(role, { name, exact: typeof name === 'string' });
          const count = await locator.count();
          for (let i = 0; i < count; i += 1) {
            if (await locator.nth(i).isVisible()) return locator.nth(i);
          }
        } catch {
          // Frame detached while being queried.
        }
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`No visible ${role} named "${String(name)}" in any webview`);
  }

  /** Clicks the element with this role and name in a webview (the side panel). */
  async clickInWebview(role: Parameters<Frame['getByRole']>[0], name: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<void> {
    const target = await this.findInWebviews(role, name, timeout);
    await target.click({ timeout: UI_TIMEOUT_MS });
  }

  /** Waits until some webview shows `text` (a substring of an element's text). */
  async findText(text: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<Locator> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        try {
          const locator = frame.getByText(text);
          const count = await locator.count();
          for (let i = 0; i < count; i += 1) {
            if (await locator.nth(i).isVisible()) return locator.nth(i);
          }
        } catch {
          // Frame detached while being queried.
        }
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`No webview shows "${String(text)}"`);
  }

  /** True when some webview currently shows `text`. */
  async webviewShows(text: string | RegExp): Promise<boolean> {
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame() || frame.isDetached()) continue;
      try {
        const locator = frame.getByText(text);
        const count = await locator.count();
        for (let i = 0; i < count; i += 1) {
          if (await locator.nth(i).isVisible()) return true;
        }
      } catch {
        // Frame detached while being queried.
      }
    }
    return false;
  }

  /** Waits until no webview shows `text` any more. */
  async waitForTextGone(text: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (!(await this.webviewShows(text))) return;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`A webview still shows "${String(text)}"`);
  }

  /** Names of the visible, enabled buttons in the webviews. */
  async webviewButtons(): Promise<string[]> {
    const names: string[] = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame() || frame.isDetached()) continue;
      try {
        // A string is evaluated in the page: this process has no DOM types.
        const found = (await frame.evaluate(
          `[...document.querySelectorAll('button')]
            .filter((b) => !b.disabled && b.offsetParent !== null)
            .map((b) => (b.getAttribute('aria-label') || b.textContent || '').replace(/\\s+/g, ' ').trim())`,
        )) as string[];
        names.push(...found);
      } catch {
        // Frame detached or not scriptable.
      }
    }
    return names;
  }

  /**
   * Waits for a notification whose message matches: as a toast, or — VS Code does not always
   * raise a toast for a notification posted while a webview has focus — in the notification
   * center, which is looked at once the toast has not come for a few seconds.
   */
  async waitForNotification(text: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<string> {
    const matches = (m: string) => (typeof text === 'string' ? m.includes(text) : text.test(m));
    const deadline = Date.now() + timeout;
    let nextCenterLook = Date.now() + 3_000;
    while (Date.now() < deadline) {
      const match = (await this.notifications()).find(matches);
      if (match !== undefined) return match;
      if (Date.now() >= nextCenterLook) {
        const found = (await this.notificationCenter()).find(matches);
        if (found !== undefined) return found;
        nextCenterLook = Date.now() + 3_000;
      }
      await this.page.waitForTimeout(150);
    }
    const shown = (await this.notifications()).join(' | ');
    const center = (await this.notificationCenter()).join(' | ');
    throw new Error(`No notification "${String(text)}" (shown: ${shown}; in the notification center: ${center})`);
  }

  /** The messages in the notification center (opened to read them, then closed again). */
  async notificationCenter(): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications').catch(() => undefined);
    const items = this.page.locator('.notifications-center .notification-list-item-message');
    await items.first().waitFor({ state: 'visible', timeout: 1_000 }).catch(() => undefined);
    const found = (await items.allTextContents()).map((t) => t.trim());
    await this.runCommand('Notifications: Hide Notifications').catch(() => undefined);
    return found;
  }

  /** Clicks a button of the notification whose message matches. */
  async clickNotificationButton(text: string | RegExp, buttonName: string): Promise<void> {
    await this.waitForNotification(text);
    const item = (container: string) =>
      this.page
        .locator(container)
        .filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) })
        .first();
    const toast = item('.notification-toast');
    if (await toast.isVisible().catch(() => false)) {
      await toast.getByRole('button', { name: buttonName, exact: true }).click();
      return;
    }
    // Not raised as a toast: the notification center has it.
    await this.runCommand('Notifications: Show Notifications');
    await item('.notifications-center .notification-list-item').getByRole('button', { name: buttonName, exact: true }).click();
  }

  /** Links (their targets) that the notification whose message matches renders. */
  async notificationLinks(text: string | RegExp): Promise<string[]> {
    await this.waitForNotification(text);
    const message = this.page.locator('.notification-toast .notification-list-item-message', { hasText: text }).first();
    const links = message.locator('a');
    const found: string[] = [];
    for (let i = 0; i < (await links.count()); i += 1) {
      found.push((await links.nth(i).getAttribute('href')) ?? (await links.nth(i).textContent()) ?? '');
    }
    return found;
  }

  /** Button labels of the notification whose message matches. */
  async notificationButtons(text: string | RegExp): Promise<string[]> {
    await this.waitForNotification(text);
    const toast = this.page
      .locator('.notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) })
      .first();
    const labels = await toast.locator('.notification-list-item-buttons-container .monaco-button').allTextContents();
    return labels.map((t) => t.trim()).filter(Boolean);
  }

  /** Closes every editor (no file is left unsaved by the tests). */
  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
    await this.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  }

  /** Closes every notification. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** Waits for an editor tab whose label contains `title`. */
  async waitForEditorTab(title: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<Locator> {
    const tab = this.page.locator('.tabs-container .tab').filter({ hasText: title }).first();
    await tab.waitFor({ state: 'visible', timeout });
    return tab;
  }

  /** Labels of the open editor tabs. */
  async editorTabs(): Promise<string[]> {
    const labels = await this.page.locator('.tabs-container .tab .label-name').allTextContents();
    return labels.map((label) => label.trim());
  }

  /** Text of the notifications currently shown. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notification-toast .notification-list-item-message').allTextContents()).map((t) =>
      t.trim(),
    );
  }

  /** Reloads the window (the same URL: the extension stays loaded in development mode). */
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'domcontentloaded', timeout: WORKBENCH_TIMEOUT_MS });
    await this.ready();
  }

  /** Saves a full-page screenshot and the page's console to out/test-artifacts/. */
  async saveArtifacts(name: string): Promise<string> {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const base = path.join(ARTIFACTS_DIR, name.replace(/[^a-z0-9_-]+/gi, '-').slice(0, 120));
    await this.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 }).catch(() => undefined);
    writeFileSync(`${base}.console.log`, this.console.join('\n'));
    return `${base}.png`;
  }

  async close(): Promise<void> {
    await settlesWithin(this.context.close(), 10_000);
  }
}

/** Opens a workbench window of `server` in a new browser context. */
export async function openWorkbench(browser: Browser, server: CodeServer, options: OpenOptions = {}): Promise<Workbench> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  if (options.onAutomationExit) {
    const onExit = options.onAutomationExit;
    await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
  }
  if (options.onAutomationLog) {
    const onLog = options.onAutomationLog;
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => onLog(type, args));
  }
  const workbench = new Workbench(context, page, server);
  await page.goto(server.workbenchUrl({ extensionTestsPath: options.extensionTestsPath }), {
    waitUntil: 'domcontentloaded',
    timeout: WORKBENCH_TIMEOUT_MS,
  });
  if (options.waitForWorkbench !== false) await workbench.ready();
  return workbench;
}

/**
 * Runs `body` and, when it throws, saves a screenshot of the workbench named after the test
 * before rethrowing.
 */
export async function withArtifacts<T>(workbench: Workbench | undefined, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (workbench) {
      const file = await workbench.saveArtifacts(name).catch(() => undefined);
      if (file && error instanceof Error) error.message += `\n(screenshot: ${path.relative(process.cwd(), file)})`;
    }
    throw error;
  }
}
