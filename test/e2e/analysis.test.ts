/**
 * UI tests in a real VS Code (code-server + Chromium) against the fake Anthropic and Exa APIs on
 * 127.0.0.1: a complete analysis started from the palette and approved in the Analysis panel;
 * a run cancelled during the analysts and resumed; a window reloaded during the analysts and
 * the run resumed without paying again for finished work.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import path from 'node:path';
import { cannedAnswer, openSession, type Session } from '../harness/session';
import { withArtifacts, type Workbench } from '../harness/browser';
import { filesContaining } from '../harness/codeServer';
import { waitFor } from '../harness/time';
import {
  CANCELLED_NOTIFICATION,
  answerGates,
  currentGate,
  runToCompletion,
  startFromPalette,
  type GateName,
} from '../harness/flow';
import type { AnthropicResponderInput } from '../fakes/anthropicServer';

/** Per-task request counts of the fake Anthropic API, keyed `STEP/LABEL`. */
function counts(session: Session): Record<string, number> {
  return session.anthropic?.countsByTask() ?? {};
}

function analystRequests(session: Session): string[] {
  return (session.anthropic?.requests ?? []).filter((r) => r.task?.step === 'analysts').map((r) => r.task?.label ?? '');
}

/** Runs Resume Analysis from the palette and picks the most recent unfinished analysis. */
async function resumeFromPalette(wb: Workbench): Promise<void> {
  await wb.runCommand('Strategic Analysis: Resume Analysis');
  await wb.waitForQuickInput('Choose the analysis to resume');
  await wb.page.keyboard.press('Enter');
}

describe('against the fake APIs', { timeout: 12 * 60_000 }, () => {
  let session: Session;

  before(async () => {
    session = await openSession({ name: 'analysis', fakes: true });
  });

  beforeEach(async () => {
    session.anthropic?.setFaults(undefined);
    session.anthropic?.setResponder(cannedAnswer);
    await session.workbench.clearNotifications();
    await session.workbench.closeAllEditors();
  });

  after(async () => {
    await session?.close();
  });

  test('Start Analysis from the palette, approve in the panel, analyst and final tabs open', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'fake-api-run', async () => {
      const result = await runToCompletion(wb, {
        problem: 'Should our software company move its product from licences to subscriptions next year?',
        webSearch: true,
      });
      for (const gate of ['sources', 'proposal', 'outline'] as GateName[]) {
        assert.ok(result.gates.includes(gate), `the ${gate} checkpoint was not shown (gates: ${result.gates.join(', ')})`);
      }
      const anthropic = session.anthropic;
      const exa = session.exa;
      assert.ok(anthropic && exa);
      const requests = anthropic.requests;
      assert.ok(requests.length > 0, 'no request reached the fake Anthropic API');
      for (const request of requests) {
        assert.notEqual(request.authStyle, 'none', `request ${request.index} carried no key`);
        assert.equal(request.outcome, 'ok', `request ${request.index} (${request.task?.step}/${request.task?.label}) ended ${request.outcome}`);
      }
      const analysts = new Set(analystRequests(session));
      assert.ok(analysts.size >= 1, `no analyst call (calls: ${JSON.stringify(counts(session))})`);
      assert.ok(
        requests.some((r) => r.task?.step === 'fulltext'),
        `no full-text call (calls: ${JSON.stringify(counts(session))})`,
      );
      assert.ok(exa.requests.length > 0, 'web search was allowed but no search reached the fake Exa API');
      assert.ok(result.analystTabs.length >= 1, `no analyst tab (tabs: ${result.tabs.join(', ')})`);
      const finalTab = result.tabs.find((t) => t.endsWith('.md') && !t.startsWith('analyst-'));
      assert.ok(finalTab, `no final document tab (tabs: ${result.tabs.join(', ')})`);
      // The keys were given through the environment; they must not show up in any log or file.
      const roots = [path.join(session.server.userDataDir, 'logs'), session.server.workspaceDir];
      assert.deepEqual(filesContaining(roots, anthropic.apiKey), [], 'the Anthropic key was written to a file');
      assert.deepEqual(filesContaining(roots, exa.apiKey), [], 'the Exa key was written to a file');
    });
  });

  test('"Request changes" on the outline sends the feedback and shows a revised outline; no search without permission', async () => {
    const wb = session.workbench;
    const anthropic = session.anthropic;
    const exa = session.exa;
    assert.ok(anthropic && exa);
    await withArtifacts(wb, 'outline-feedback', async () => {
      anthropic.clearRequests();
      exa.clearRequests();
      await startFromPalette(wb, 'Should a family-owned hotel join an international franchise?');
      const gates: GateName[] = [];
      const first = await answerGates(wb, { stopAt: 'outline', webSearch: false }, gates);
      assert.equal(first.ended, 'stopped', JSON.stringify(first));
      const feedback = 'Add a section on the cost of leaving the franchise.';
      const box = await wb.findInWebviews('textbox', 'Feedback');
      await box.fill(feedback);
      await wb.clickInWebview('button', 'Request changes');
      await waitFor(
        'a second outline call',
        () => (anthropic.requests.some((r) => r.task?.label === 'outline:2' && r.outcome === 'ok') ? true : undefined),
        60_000,
      );
      const revision = anthropic.requests.find((r) => r.task?.label === 'outline:2');
      assert.ok(JSON.stringify(revision?.body).includes(feedback), 'the feedback did not reach the model');
      await wb.findInWebviews('button', 'Approve outline', 60_000);
      const outcome = await answerGates(wb, {}, gates);
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      assert.equal(exa.requests.length, 0, 'web search ran although it was not allowed');
    });
  });

  test('when analysts fail, the panel asks; "Retry failed analysts" runs only those again', async () => {
    const wb = session.workbench;
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    await withArtifacts(wb, 'failed-analysts', async () => {
      anthropic.clearRequests();
      // The first two analysts to be called answer with something that is not an analysis.
      const failing = new Set<string>();
      anthropic.setResponder((input: AnthropicResponderInput) => {
        const label = input.task?.step === 'analysts' ? input.task.label : undefined;
        if (label && (failing.has(label) || failing.size < 2)) {
          failing.add(label);
          return 'I cannot help with that.';
        }
        return cannedAnswer(input);
      });
      await startFromPalette(wb, 'Should a publisher stop printing its weekly magazine?');
      const gates: GateName[] = [];
      const first = await answerGates(wb, { stopAt: 'failures', webSearch: false }, gates);
      assert.equal(first.ended, 'stopped', JSON.stringify(first));
      assert.equal(failing.size, 2);
      const callsBefore = analystRequests(session);
      anthropic.setResponder(cannedAnswer);
      await wb.clickInWebview('button', 'Retry failed analysts');
      await waitFor('the retry to start', async () => ((await currentGate(wb)) === 'failures' ? undefined : true), 30_000);
      const outcome = await answerGates(wb, {}, gates);
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      const retried = analystRequests(session).slice(callsBefore.length);
      assert.deepEqual(
        [...new Set(retried)].sort(),
        [...failing].sort(),
        `after the retry, analysts called: ${retried.join(', ')}`,
      );
    });
  });

  test('Cancel Analysis during the analysts, then Resume Analysis finishes the run', async () => {
    const wb = session.workbench;
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    await withArtifacts(wb, 'cancel-resume', async () => {
      anthropic.clearRequests();
      // Analysts answer slowly, so the cancel lands while they run.
      anthropic.setFaults((input: AnthropicResponderInput) => (input.task?.step === 'analysts' ? { kind: 'delay', ms: 60_000 } : null));
      await startFromPalette(wb, 'Should a hospital network outsource its laboratory services?');
      const gates: GateName[] = [];
      const first = await answerGates(wb, { stopAfter: 'proposal', timeoutMs: 60_000, webSearch: false }, gates);
      assert.equal(first.ended, 'stopped', JSON.stringify(first));
      assert.ok(gates.includes('proposal'), `the proposal was not approved (gates: ${gates.join(', ')})`);
      await waitFor('an analyst call', () => (analystRequests(session).length > 0 ? true : undefined), 30_000);

      await wb.runCommand('Strategic Analysis: Cancel Analysis');
      await wb.waitForNotification(CANCELLED_NOTIFICATION, 30_000);
      const beforeResume = counts(session);
      assert.ok(
        anthropic.requests.filter((r) => r.task?.step === 'analysts').every((r) => r.outcome !== 'ok'),
        'an analyst call finished although it was cancelled',
      );

      anthropic.setFaults(undefined);
      await wb.clearNotifications();
      await resumeFromPalette(wb);
      const resumedGates: GateName[] = [];
      const outcome = await answerGates(wb, {}, resumedGates);
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      assert.ok(!resumedGates.includes('proposal'), 'the approved proposal was asked again after resuming');
      assert.ok(!resumedGates.includes('sources'), 'the sources were asked again after resuming');
      const afterResume = counts(session);
      for (const [task, n] of Object.entries(beforeResume)) {
        if (!task.startsWith('analysts/')) assert.equal(afterResume[task], n, `${task} was called again after resuming`);
      }
      assert.ok(analystRequests(session).length > 0);
    });
  });

  test('reloading the window during the analysts, then Resume Analysis keeps finished analysts', async () => {
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    let wb = session.workbench;
    await withArtifacts(wb, 'reload-resume', async () => {
      anthropic.clearRequests();
      // The first analyst answers at once; the others take long enough for the reload.
      let firstAnalyst: string | undefined;
      anthropic.setFaults((input: AnthropicResponderInput) => {
        if (input.task?.step !== 'analysts') return null;
        firstAnalyst ??= input.task.label;
        return input.task.label === firstAnalyst ? null : { kind: 'delay', ms: 60_000 };
      });
      await startFromPalette(wb, 'Should a city replace its diesel buses with electric buses within five years?');
      const gates: GateName[] = [];
      const first = await answerGates(wb, { stopAfter: 'proposal', timeoutMs: 60_000, webSearch: false }, gates);
      assert.equal(first.ended, 'stopped', JSON.stringify(first));
      assert.ok(gates.includes('proposal'), `the proposal was not approved (gates: ${gates.join(', ')})`);
      await wb.waitForEditorTab(/^analyst-/, 60_000);
      const finished = anthropic.requests.filter((r) => r.task?.step === 'analysts' && r.outcome === 'ok').map((r) => r.task?.label ?? '');
      assert.equal(finished.length, 1, `expected one finished analyst, got ${finished.join(', ')}`);
      assert.ok(analystRequests(session).length > 1, 'only one analyst was started: nothing to interrupt');

      await wb.reload();
      await wb.extensionLoaded();
      anthropic.setFaults(undefined);
      wb = session.workbench;
      await resumeFromPalette(wb);
      const resumedGates: GateName[] = [];
      const outcome = await answerGates(wb, {}, resumedGates);
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      assert.ok(!resumedGates.includes('proposal'), 'the approved proposal was asked again after the reload');
      const calls = analystRequests(session);
      assert.equal(
        calls.filter((label) => label === finished[0]).length,
        1,
        `the analyst that had finished before the reload was called again (analyst calls: ${calls.join(', ')})`,
      );
      await wb.waitForEditorTab(/\.md$/);
    });
  });
});
