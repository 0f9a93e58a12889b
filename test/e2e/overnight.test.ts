/**
 * UI test in a real VS Code (code-server + Chromium) against the fake APIs: an analysis run
 * overnight. The person chooses "Run overnight" at the proposal; the analysts go out as one
 * message batch (no interactive analyst call); the run list shows the run as overnight while
 * the batch is in progress; another analysis started meanwhile sets the waiting run aside (its
 * batch untouched) and, once it ends, the run waits for its batch again; the window is reloaded (as when VS Code is closed for the night)
 * and the new window polls the same batch instead of sending it again; when the results are
 * in, the person is told and the run goes on to the outline, then to the final document.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { openSession, type Session } from '../harness/session';
import { withArtifacts } from '../harness/browser';
import { answerGates, CANCELLED_NOTIFICATION, COMPLETE_NOTIFICATION, startFromPalette } from '../harness/flow';
import { waitFor } from '../harness/time';

describe('an overnight run in the real UI', { timeout: 8 * 60_000 }, () => {
  let session: Session;

  before(async () => {
    session = await openSession({ name: 'overnight', fakes: true });
  });

  after(async () => {
    await session?.close();
  });

  test('the analysts go out as one batch, shown as overnight; set aside for another analysis and taken up again; a reloaded window polls the same batch; its results continue the run', async () => {
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    let wb = session.workbench;
    await withArtifacts(wb, 'overnight', async () => {
      anthropic.setBatchOptions({ processingMs: 'never' });
      await startFromPalette(wb, 'Should our regional grocery chain launch its own private-label brand next year?');
      const atProposal = await answerGates(wb, { stopAt: 'proposal', timeoutMs: 120_000, webSearch: false });
      assert.equal(atProposal.ended, 'stopped', JSON.stringify(atProposal));

      await (await wb.findInWebviews('checkbox', 'Run overnight (about half the cost)')).check();
      await wb.clickInWebview('button', 'Apply changes');
      await waitFor('the changed proposal', async () => ((await wb.webviewButtons()).includes('Approve') ? true : undefined), 30_000);
      assert.ok(
        (await wb.findInWebviews('checkbox', 'Run overnight (about half the cost)')).isChecked(),
        'the proposal forgot the overnight choice',
      );
      await wb.clickInWebview('button', 'Approve');

      await waitFor('one batch at the fake API', () => (anthropic.batches.size === 1 ? true : undefined), 60_000);
      const [batch] = [...anthropic.batches.values()];
      assert.ok(batch.requests.length >= 2, `the batch holds ${batch.requests.length} request(s)`);
      await wb.findText(/overnight, in progress|submitted overnight/, 60_000);
      const interactiveAnalysts = () => anthropic.requests.filter((r) => r.task?.step === 'analysts').length;
      assert.equal(interactiveAnalysts(), 0, 'an analyst was called interactively besides the batch');

      // Another analysis meanwhile: the waiting run is set aside, its batch is not touched.
      await startFromPalette(wb, 'Should a dental clinic group open a fourth site in the suburbs?', () =>
        wb.clickNotificationButton(/is waiting for its overnight results\. Set it aside\?/, 'Set Aside and Continue'),
      );
      const other = await answerGates(wb, { stopAt: 'sources', timeoutMs: 60_000 });
      assert.equal(other.ended, 'stopped', JSON.stringify(other));
      await wb.findText('Overnight');
      await wb.findText(/overnight, in progress/);
      assert.equal(anthropic.batches.size, 1, 'setting the run aside sent its batch again');

      // The other analysis ends: the run set aside waits for its batch again by itself.
      await wb.clickInWebview('button', 'Cancel analysis');
      await wb.waitForNotification(CANCELLED_NOTIFICATION, 30_000);
      await wb.findText('Current step: Analysts', 60_000);
      assert.equal(anthropic.batches.size, 1);

      // The night: the window goes away while the batch is out, and the batch ends meanwhile.
      anthropic.setBatchOptions({ processingMs: 0 });
      await wb.reload();
      wb = session.workbench;
      await wb.waitForNotification(/The overnight results of ".+" are in/, 90_000);
      assert.equal(anthropic.batches.size, 1, 'the batch was sent again after the reload');

      const atOutline = await answerGates(wb, { stopAt: 'outline', timeoutMs: 120_000, webSearch: false });
      assert.equal(atOutline.ended, 'stopped', JSON.stringify(atOutline));
      assert.equal(interactiveAnalysts(), 0, 'the batched analysts were paid again as normal calls');

      const outcome = await answerGates(wb, { timeoutMs: 180_000, webSearch: false });
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      assert.match('message' in outcome ? outcome.message : '', COMPLETE_NOTIFICATION);
      assert.equal(anthropic.batches.size, 1);
    });
  });
});
