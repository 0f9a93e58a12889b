/**
 * UI tests in a real VS Code against fake APIs that answer with hostile or faulty content:
 * a title that is a command link, web results with HTML and script addresses, provenance
 * markers in the outline; an endpoint setting that is not a URL; a model that does not exist.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cannedAnswer, cannedText, openSession, withExtraText, type Session } from '../harness/session';
import { withArtifacts } from '../harness/browser';
import { waitFor } from '../harness/time';
import { chooseInFileDialog } from '../harness/documents';
import {
  answerGates,
  CANCELLED_NOTIFICATION,
  COMPLETE_NOTIFICATION,
  currentGate,
  FAILED_NOTIFICATION,
  startFromPalette,
  type GateName,
} from '../harness/flow';
import type { Workbench } from '../harness/browser';
import type { AnthropicResponderInput } from '../fakes/anthropicServer';

const HOSTILE_TITLE = '[open settings](command:workbench.action.openSettings)';

/** Applies `change` to the JSON object of a canned answer (fenced or bare). */
function withJson(text: string, change: (data: Record<string, unknown>) => void): string {
  const body = /```json\n([\s\S]*?)\n```/.exec(text)?.[1] ?? text;
  const data = JSON.parse(body) as Record<string, unknown>;
  change(data);
  return '```json\n' + JSON.stringify(data) + '\n```';
}

/** Adds a context document at the sources gate through VS Code's own file dialog. */
async function addContextDocument(wb: Workbench, file: string): Promise<void> {
  await wb.clickInWebview('button', 'Add context documents');
  await chooseInFileDialog(wb, file, 'file');
  await wb.findText(path.basename(file), 20_000);
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...markdownFiles(full));
    else if (name.endsWith('.md')) out.push(full);
  }
  return out;
}

describe('hostile and faulty answers', { timeout: 12 * 60_000 }, () => {
  let session: Session;

  before(async () => {
    session = await openSession({ name: 'hostile', fakes: true });
  });

  beforeEach(async () => {
    // A test that failed midway may have left its run waiting at a gate.
    await session.workbench.runCommand('Strategic Analysis: Cancel Analysis');
    session.anthropic?.setFaults(undefined);
    session.anthropic?.setResponder(cannedAnswer);
    session.exa?.setFaults(undefined);
    await session.workbench.clearNotifications();
    await session.workbench.closeAllEditors();
  });

  after(async () => {
    await session?.close();
  });

  test('a model title that is a command link is plain text in the notification; web HTML and script addresses never reach the documents; the outline shows analyst names', async () => {
    const wb = session.workbench;
    const anthropic = session.anthropic;
    const exa = session.exa;
    assert.ok(anthropic && exa);
    await withArtifacts(wb, 'hostile-content', async () => {
      anthropic.setResponder((input: AnthropicResponderInput) => {
        const canned = cannedAnswer(input);
        if (input.task?.step === 'parse' && input.task.label === 'parse') {
          return withJson(cannedText(input), (d) => {
            d.title = HOSTILE_TITLE;
          });
        }
        if (input.task?.step === 'outline') return `${cannedText(input)}\n- Demand is shifting [Source: analyst-market]\n`;
        if (input.task?.step === 'fulltext') return withExtraText(canned, '\nTracking <img src="http://127.0.0.1:9/pixel.png"> here.\n');
        return canned;
      });
      exa.setResults((query) => [
        { url: 'javascript:alert(document.domain)', title: 'Script result', text: 'x', highlights: ['A script address.'] },
        {
          url: `https://example.org/${encodeURIComponent(query)}`,
          title: '<img src=x onerror=alert(1)> Market report',
          text: 'Market grew.',
          highlights: ['Market grew by 2%.'],
        },
      ]);
      await startFromPalette(wb, 'Should a regional bank launch a mobile-only brand for students?');
      const gates: GateName[] = [];
      const atOutline = await answerGates(wb, { stopAt: 'outline', webSearch: true }, gates);
      assert.equal(atOutline.ended, 'stopped', JSON.stringify(atOutline));
      await wb.findText('[Market Analyst]', 20_000);
      assert.equal(await wb.webviewShows('[Source: analyst-market]'), false, 'the outline gate shows an internal marker');

      const outcome = await answerGates(wb, { webSearch: true }, gates);
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      const links = await wb.notificationLinks(COMPLETE_NOTIFICATION);
      assert.deepEqual(links, [], `the completion notification renders links: ${links.join(', ')}`);
      assert.ok(outcome.message.includes('open settings'), outcome.message);

      const files = markdownFiles(path.join(session.server.workspaceDir, 'analyses'));
      assert.ok(files.length > 1, `documents written: ${files.join(', ')}`);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        assert.ok(!/<img/i.test(text), `raw HTML in ${path.basename(file)}`);
        assert.ok(!/javascript:/i.test(text), `a script address in ${path.basename(file)}`);
      }
      assert.ok(exa.requests.length > 0, 'no web search was made');
    });
  });

  test('a model that does not exist offers to choose a model, not to set a key', async () => {
    const wb = session.workbench;
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    await withArtifacts(wb, 'model-not-found', async () => {
      anthropic.setFaults(() => ({ kind: 'http', status: 404, errorType: 'not_found_error', message: 'model: claude-nowhere-1' }));
      await startFromPalette(wb, 'Should a museum open on Mondays?');
      const message = await wb.waitForNotification(FAILED_NOTIFICATION, 60_000);
      assert.match(message, /not available/);
      const buttons = await waitFor('the buttons', async () => {
        const b = await wb.notificationButtons(FAILED_NOTIFICATION);
        return b.length ? b : undefined;
      }, 10_000);
      assert.ok(buttons.includes('Choose Model'), `buttons: ${buttons.join(', ')}`);
      assert.ok(!buttons.some((b) => /API Key/.test(b)), `buttons: ${buttons.join(', ')}`);
    });
  });
  test('a context document that cannot be used is named with the reason at the sources gate, and the other choices are kept', async () => {
    const wb = session.workbench;
    await withArtifacts(wb, 'rejected-source', async () => {
      const binary = path.join(session.server.workspaceDir, 'figures.bin');
      writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]));
      const notes = path.join(session.server.workspaceDir, 'notes.md');
      await startFromPalette(wb, 'Should a bakery chain open a central kitchen?');
      const first = await answerGates(wb, { stopAt: 'sources' });
      assert.equal(first.ended, 'stopped', JSON.stringify(first));
      await addContextDocument(wb, notes);
      await addContextDocument(wb, binary);
      await wb.clickInWebview('button', 'Continue');
      // Asked again: the reason is shown, the good document is still chosen.
      await wb.findText(/figures\.bin.*(not a supported document|not a UTF-8 text document|cannot be read)/, 30_000);
      // The reason can show a moment before the gate's form is drawn again.
      assert.equal(await waitFor('the sources gate again', async () => (await currentGate(wb)) ?? undefined, 10_000), 'sources');
      assert.ok(await wb.webviewShows('notes.md'), 'the other context document was dropped');
      await wb.clickInWebview('button', 'Cancel analysis');
      await wb.waitForNotification(CANCELLED_NOTIFICATION, 30_000);
    });
  });

  test('when no analyst succeeded, "Continue with partial results" is not offered', async () => {
    const wb = session.workbench;
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    await withArtifacts(wb, 'no-analyst-succeeded', async () => {
      anthropic.setResponder((input: AnthropicResponderInput) =>
        input.task?.step === 'analysts' ? 'I cannot help with that.' : cannedAnswer(input),
      );
      await startFromPalette(wb, 'Should a radio station start a podcast network?');
      const outcome = await answerGates(wb, { stopAt: 'failures', webSearch: false });
      assert.equal(outcome.ended, 'stopped', JSON.stringify(outcome));
      const buttons = await wb.webviewButtons();
      assert.ok(buttons.includes('Retry failed analysts'), `buttons: ${buttons.join(', ')}`);
      assert.ok(buttons.includes('Abort analysis'), `buttons: ${buttons.join(', ')}`);
      assert.ok(!buttons.includes('Continue with partial results'), `offered with no analyst done: ${buttons.join(', ')}`);
      await wb.clickInWebview('button', 'Abort analysis');
      await wb.waitForNotification(CANCELLED_NOTIFICATION, 30_000);
    });
  });

  test('when every web search fails, the outcome and the panel say so', async () => {
    const wb = session.workbench;
    const exa = session.exa;
    assert.ok(exa);
    await withArtifacts(wb, 'web-search-failed', async () => {
      exa.clearRequests();
      exa.setFaults(() => ({ kind: 'http', status: 400, tag: 'INVALID_REQUEST_BODY', message: 'The search service refused the query.' }));
      await startFromPalette(wb, 'Should a football club build its own stadium?');
      const outcome = await answerGates(wb, { webSearch: true });
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
      assert.ok(exa.requests.length > 0, 'no web search was attempted');
      assert.match(outcome.message, /Every web search failed/);
      await wb.findText(/Every web search failed/, 20_000);
    });
  });

  test('after the window is reloaded during a run, the run list shows it as interrupted, with Resume', async () => {
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    let wb = session.workbench;
    await withArtifacts(wb, 'interrupted-run', async () => {
      anthropic.clearRequests();
      anthropic.setFaults((input: AnthropicResponderInput) => (input.task?.step === 'analysts' ? { kind: 'delay', ms: 60_000 } : null));
      const problem = 'Should a ski resort invest in summer tourism?';
      await startFromPalette(wb, problem);
      const first = await answerGates(wb, { stopAfter: 'proposal', webSearch: false });
      assert.equal(first.ended, 'stopped', JSON.stringify(first));
      await waitFor('an analyst call', () => (anthropic.requests.some((r) => r.task?.step === 'analysts') ? true : undefined), 30_000);
      await wb.reload();
      await wb.extensionLoaded();
      anthropic.setFaults(undefined);
      wb = session.workbench;
      await wb.runCommand('Strategic Analysis: Open Analyses Panel');
      await wb.findText('interrupted', 30_000);
      await wb.clickInWebview('button', /^Resume: /, 20_000);
      const outcome = await answerGates(wb, {});
      assert.equal(outcome.ended, 'complete', JSON.stringify(outcome));
    });
  });
});

describe('an endpoint setting that is not a URL', { timeout: 5 * 60_000 }, () => {
  let session: Session;

  before(async () => {
    session = await openSession({ name: 'bad-base-url', fakes: true, settings: { 'strategicAnalysis.anthropic.baseUrl': 'not a url' } });
  });

  after(async () => {
    await session?.close();
  });

  test('is refused with a way to fix it, and nothing is sent', async () => {
    const wb = session.workbench;
    const anthropic = session.anthropic;
    assert.ok(anthropic);
    await withArtifacts(wb, 'bad-base-url', async () => {
      await startFromPalette(wb, 'Should a ferry operator add a night route?');
      const message = await wb.waitForNotification(/strategicAnalysis\.anthropic\.baseUrl is not a valid http\(s\) URL/, 30_000);
      assert.match(message, /Nothing was sent/);
      const buttons = await wb.notificationButtons(/is not a valid http\(s\) URL/);
      assert.ok(buttons.includes('Open Settings'), `buttons: ${buttons.join(', ')}`);
      assert.ok(!buttons.some((b) => /API Key/.test(b)), `buttons: ${buttons.join(', ')}`);
      await wb.page.waitForTimeout(1_000);
      assert.equal(anthropic.requests.length, 0, 'a request was sent although the endpoint setting is invalid');
      assert.equal(await wb.webviewShows('Sources for this analysis'), false, 'the run started');
    });
  });
});
