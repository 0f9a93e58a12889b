/**
 * The person's side of an analysis in the UI tests: start it from the command palette, answer
 * each checkpoint in the Analysis panel by clicking, and notice when it is complete.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Workbench } from './browser';

export const COMPLETE_NOTIFICATION = /The analysis ".*" is complete\./;
export const CANCELLED_NOTIFICATION = /The analysis ".*" was cancelled\./;
export const FAILED_NOTIFICATION = /The analysis ".*" failed/;

/** Checkpoints of the panel, named by the button that answers them. */
export type GateName = 'sources' | 'clarify' | 'proposal' | 'outline' | 'failures';

const GATE_BUTTONS: Array<{ gate: GateName; button: string }> = [
  { gate: 'outline', button: 'Approve outline' },
  { gate: 'failures', button: 'Retry failed analysts' },
  { gate: 'proposal', button: 'Approve' },
  { gate: 'clarify', button: 'Skip' },
  { gate: 'sources', button: 'Continue' },
];

/**
 * Runs Start Analysis from the palette and types the problem. `beforeProblem` answers what the
 * command may ask before the problem (for example whether to set aside a waiting run).
 */
export async function startFromPalette(wb: Workbench, problem: string, beforeProblem?: () => Promise<void>): Promise<void> {
  await wb.runCommand('Strategic Analysis: Start Analysis');
  await beforeProblem?.();
  // With a markdown editor open, a quick pick asks where the problem comes from first.
  await wb.waitForQuickInput(/Where is the problem|Describe the decision/);
  const placeholder = (await wb.page.locator('.quick-input-widget input.input').getAttribute('placeholder')) ?? '';
  if (/Where is the problem/.test(placeholder)) {
    await wb.answerQuickInput('Type the problem');
    await wb.waitForQuickInput('Describe the decision');
  }
  await wb.answerQuickInput(problem);
}

/** The gate the panel shows now, if any. */
export async function currentGate(wb: Workbench): Promise<GateName | undefined> {
  const buttons = await wb.webviewButtons();
  return GATE_BUTTONS.find((g) => buttons.includes(g.button))?.gate;
}

export interface AnswerOptions {
  /** Check "Allow web search" at the sources checkpoint. */
  webSearch?: boolean;
  /** Stop (without answering) when this gate shows up. */
  stopAt?: GateName;
  /** Stop right after answering this gate. */
  stopAfter?: GateName;
  /** Give up after this long (default 4 minutes). */
  timeoutMs?: number;
}

export type AnswerOutcome =
  | { ended: 'complete' | 'cancelled' | 'failed'; message: string }
  | { ended: 'stopped'; gate: GateName };

/**
 * Answers every checkpoint (Continue, Skip, Approve, Approve outline) until the run ends or
 * `stopAt` shows up. Gates seen are pushed to `seen`.
 */
export async function answerGates(wb: Workbench, options: AnswerOptions = {}, seen: GateName[] = []): Promise<AnswerOutcome> {
  const deadline = Date.now() + (options.timeoutMs ?? 4 * 60_000);
  while (Date.now() < deadline) {
    const messages = await wb.notifications();
    for (const [ended, pattern] of [
      ['complete', COMPLETE_NOTIFICATION],
      ['cancelled', CANCELLED_NOTIFICATION],
      ['failed', FAILED_NOTIFICATION],
    ] as const) {
      const message = messages.find((m) => pattern.test(m));
      if (message) return { ended, message };
    }
    const gate = await currentGate(wb);
    if (gate && gate === options.stopAt) return { ended: 'stopped', gate };
    if (gate) {
      const button = GATE_BUTTONS.find((g) => g.gate === gate)?.button as string;
      if (gate === 'failures') throw new Error('Analysts failed: the panel asks what to do');
      if (gate === 'sources' && options.webSearch !== undefined) {
        // A "Continue" button elsewhere (a moment before the panel is redrawn) is no sources
        // gate: without its checkbox, look again.
        const box = await wb.findInWebviews('checkbox', 'Allow web search', 3_000).catch(() => undefined);
        if (!box) continue;
        if ((await box.isEnabled()) && (await box.isChecked()) !== options.webSearch) await box.click();
      }
      // The panel re-renders on every state change: a button seen a moment ago may be gone
      // (a restored or superseded view). Then look again instead of failing.
      const target = await wb.findInWebviews('button', button, 3_000).catch(() => undefined);
      if (!target || !(await target.click({ timeout: 5_000 }).then(() => true, () => false))) continue;
      seen.push(gate);
      // The gate is answered when the panel stops showing it.
      const until = Date.now() + 30_000;
      while (Date.now() < until && (await currentGate(wb)) === gate) await wb.page.waitForTimeout(150);
      if (gate === options.stopAfter) return { ended: 'stopped', gate };
      continue;
    }
    await wb.page.waitForTimeout(250);
  }
  throw new Error(`The analysis did not end in time (gates answered: ${seen.join(', ') || 'none'})`);
}

export interface CompletedRun {
  gates: GateName[];
  analystTabs: string[];
  tabs: string[];
  message: string;
}

/** Starts an analysis from the palette and answers every checkpoint until it is complete. */
export async function runToCompletion(wb: Workbench, options: { problem: string; webSearch?: boolean }): Promise<CompletedRun> {
  await startFromPalette(wb, options.problem);
  const gates: GateName[] = [];
  const outcome = await answerGates(wb, { webSearch: options.webSearch }, gates);
  if (outcome.ended !== 'complete') {
    throw new Error(`The analysis ended as ${outcome.ended}: ${'message' in outcome ? outcome.message : outcome.gate}`);
  }
  const tabs = await wb.editorTabs();
  return { gates, tabs, analystTabs: tabs.filter((t) => t.startsWith('analyst-')), message: outcome.message };
}

/** Every analysis document (not an analyst output, not the run log) in `folder` or below it. */
export function finalDocuments(folder: string): string[] {
  const out: string[] = [];
  if (!existsSync(folder)) return out;
  const stack = [folder];
  while (stack.length) {
    const dir = stack.pop() as string;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name.endsWith('.md') && !entry.name.startsWith('analyst-') && entry.name !== 'run-log.md') out.push(full);
    }
  }
  return out;
}
