/**
 * UI tests in a real VS Code (code-server + Chromium) against the fake APIs: the proposal shows
 * the counted estimate as a range, the overnight choice and a budget for the run; a budget
 * lowered at the proposal stops the run at the budget checkpoint during the analysts, with spent
 * vs. budget in the status bar and the panel; raising it finishes the run, which the review
 * queue then lists under "Finished" with its cost.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { openSession, type Session } from '../harness/session';
import { withArtifacts } from '../harness/browser';
import { answerGates, COMPLETE_NOTIFICATION, startFromPalette } from '../harness/flow';
import { waitFor } from '../harness/time';

describe('cost in the real UI', { timeout: 8 * 60_000 }, () => {
  let session: Session;

  before(async () => {
    session = await openSession({ name: 'cost', fakes: true, settings: { 'strategicAnalysis.budget.maxUsdPerRun': 5 } });
  });

  after(async () => {
    await session?.close();
  });

  test('estimate range, overnight choice and budget at the proposal; the budget checkpoint stops the analysts; raising it finishes', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'cost-budget', async () => {
      await startFromPalette(wb, 'Should our software company move its product from licences to subscriptions next year?');
      const stopped = await answerGates(wb, { stopAt: 'proposal', timeoutMs: 120_000, webSearch: false });
      assert.equal(stopped.ended, 'stopped');

      // The estimate: a range from counted tokens, with its parts.
      await wb.findText(/Estimated cost: \$[\d.]+ to \$[\d.]+ \(expected \$[\d.]+\)/);
      await wb.findText('Input tokens counted by the API; prices read on 2026-12-01.');
      assert.ok(await wb.webviewShows(/Analysts \$[\d.]+ · writing \$[\d.]+ · web search \$[\d.]+/));
      await wb.findInWebviews('checkbox', 'Run overnight (about half the cost)');

      // Spent so far vs the budget of the settings, in the panel and the status bar.
      const costLine = await (await wb.findText(/Cost so far: \$[\d.]+ of \$5\.00 budget/)).innerText();
      const spent = Number(/\$([\d.]+)/.exec(costLine)![1]);
      assert.match(await wb.page.locator('#workbench\\.parts\\.statusbar').innerText(), /\/ \$5\.00/);

      // A budget for this run just above what is spent: the analysts cannot fit in it.
      const budget = (spent + 0.002).toFixed(3);
      const field = await wb.findInWebviews('textbox', 'Budget for this run (USD)');
      await field.fill(budget);
      await wb.clickInWebview('button', 'Apply changes');
      await waitFor('the changed proposal', async () => ((await wb.webviewButtons()).includes('Approve') ? true : undefined), 30_000);
      await wb.clickInWebview('button', 'Approve');

      await wb.findText('Budget reached', 90_000);
      await wb.findText(new RegExp(`could cost up to \\$[\\d.]+: it is not made unless you raise the budget`));
      assert.match(await wb.page.locator('#workbench\\.parts\\.statusbar').innerText(), new RegExp(`/ \\$${budget.replace('.', '\\.')}`));
      const analystsBefore = (session.anthropic?.requests ?? []).filter((r) => r.task?.step === 'analysts').length;
      assert.equal(analystsBefore, 0, 'no analyst call was made past the budget');

      const raise = await wb.findInWebviews('textbox', 'New budget for this run (USD)');
      await raise.fill('5');
      await wb.clickInWebview('button', 'Raise budget and continue');
      const outcome = await answerGates(wb, { timeoutMs: 180_000 });
      assert.equal(outcome.ended, 'complete', 'message' in outcome ? outcome.message : outcome.gate);
      assert.match('message' in outcome ? outcome.message : '', COMPLETE_NOTIFICATION);

      // The review queue: the finished run under its heading, with its cost of the budget.
      await wb.findText('Finished');
      assert.ok(await wb.webviewShows(/\$[\d.]+ of \$5\.00/));
    });
  });
});
