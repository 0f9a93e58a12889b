/**
 * Text from the model, the web and the person's files is data: it never becomes a link, a tag
 * or an image in the documents, never a link in a notification, never an id, and text shaped
 * like an API key is redacted instead of stopping the run. The panel's nonce is cryptographic.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import type { SearchResult, WebSearch } from '../../src/core/ports';
import { escapeInline, httpUrl, neutralizeMarkdown } from '../../src/core/safeText';
import { REDACTED_KEY } from '../../src/core/secrets';
import { CitationEntry } from '../../src/core/state';
import { FileStateStore } from '../../src/core/stateStore';
import { numberCitations } from '../../src/core/steps/fulltext';
import { inert } from '../../src/vscode/inertText';
import { cspNonce } from '../../src/vscode/nonce';
import { harness, MemoryWorkspace, ScriptedReviewer } from '../helpers/core';

const PROBLEM = 'Should we enter the German market for industrial sensors next year, and how?';
const KEY_SHAPED = 'sk-ant-api03-QuotedOnAWebPage0123456789abcdef';

/** A web search whose results are hostile: HTML in titles, script URLs, a quoted key. */
class HostileSearch implements WebSearch {
  async search(): Promise<{ results: SearchResult[] }> {
    return {
      results: [
        { url: 'javascript:alert(document.domain)', title: 'Click me', highlights: ['A script address.'] },
        {
          url: 'https://example.org/report',
          title: '<img src=x onerror=alert(1)> Market [report](command:workbench.action.openSettings)',
          highlights: [`Leaked config: ANTHROPIC_API_KEY=${KEY_SHAPED}`],
        },
      ],
    };
  }
}

describe('safe text rules', () => {
  it('only http(s) addresses become links', () => {
    assert.equal(httpUrl('https://example.org/a b'), 'https://example.org/a%20b');
    assert.equal(httpUrl('http://example.org/x(1)'), 'http://example.org/x%281%29');
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', 'command:foo', 'file:///etc/passwd', 'not a url', '', undefined]) {
      assert.equal(httpUrl(bad), undefined, String(bad));
    }
  });

  it('neutralizes raw HTML, images and non-web links in prose, and leaves code alone', () => {
    const prose = [
      'Growth is <b>strong</b> <img src="https://tracker.example/p.png?doc=secret"> here.',
      '![chart](https://tracker.example/chart.png) and ![x](javascript:alert(1))',
      'See [the report](https://example.org/r) or [run](command:workbench.action.openSettings) or [js](javascript:alert(1)).',
      '<!-- hidden --> <script>alert(1)</script> <https://example.org/auto> a < b',
      '`<img src=x>` stays code',
      '```html',
      '<img src=x onerror=alert(1)>',
      '```',
    ].join('\n');
    const out = neutralizeMarkdown(prose);
    const prose4 = out.split('\n').slice(0, 4).join('\n');
    assert.ok(!/<img|<b>|<script|<!--/.test(prose4), out);
    assert.ok(!out.includes('!['), 'an image is still an image');
    assert.ok(!/\]\((?:command|javascript):/.test(out), out);
    assert.match(out, /\[the report\]\(https:\/\/example\.org\/r\)/);
    assert.match(out, /\[chart\]\(https:\/\/tracker\.example\/chart\.png\)/);
    assert.match(out, /<https:\/\/example\.org\/auto>/);
    assert.match(out, /a < b/);
    assert.match(out, /`<img src=x>` stays code/);
    assert.match(out, /```html\n<img src=x onerror=alert\(1\)>\n```/);
  });

  it('escapes a title so it can never be a tag or a link', () => {
    const t = escapeInline('<img src=x onerror=alert(1)> [a](command:x)\nnext');
    assert.ok(!t.includes('<img'));
    assert.ok(!/\[a\]\(/.test(t));
    assert.ok(!t.includes('\n'));
  });

  it('the sources list and citation links of the final document use the same rule', () => {
    const { body, sourcesSection } = numberCitations(
      'Claim one [S1]. Claim two [S2].',
      [
        { id: 'S1', level: 'L2', title: '<img src=x onerror=alert(1)>', url: 'javascript:alert(1)' },
        { id: 'S2', level: 'L2', title: 'Good [link](command:x)', url: 'https://example.org/r' },
      ],
      'en',
    );
    assert.ok(!body.includes('javascript:'), body);
    assert.match(body, /\[\[2\]\]\(https:\/\/example\.org\/r\)/);
    assert.ok(!sourcesSection.includes('<img'), sourcesSection);
    assert.ok(!sourcesSection.includes('javascript:'), sourcesSection);
    assert.ok(!/\[link\]\(command:/.test(sourcesSection), sourcesSection);
  });
});

describe('hostile web results and model HTML in a full run', () => {
  it('write no raw HTML, image, script address or key into the documents and the state', async () => {
    const h = harness({ search: new HostileSearch() });
    h.model.rewrite = (req, res) =>
      req.step === 'fulltext'
        ? { ...res, text: `${res.text}\n\nTracking <img src="https://tracker.example/p.png"> and ![p](https://tracker.example/q.png).\n` }
        : req.step === 'analysts'
          ? { ...res, text: res.text.replace(/\n*$/, '\n\n<img src="https://tracker.example/a.png"> end.\n') }
          : res;
    const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done', error?.message);
    const final = state.finalDocument!.markdown;
    assert.ok(!/<img/i.test(final), 'raw HTML reached the final document');
    assert.ok(!final.includes('javascript:'), 'a script address reached the final document');
    assert.ok(!/!\[/.test(final), 'an image reached the final document');
    assert.ok(!final.includes(KEY_SHAPED));
    assert.ok(state.sources.every((s) => !s.url || /^https?:/.test(s.url)), JSON.stringify(state.sources.map((s) => s.url)));
    for (const [file, text] of (h.workspace as MemoryWorkspace).files) {
      if (file.includes('analyst-')) assert.ok(!/<img/i.test(text), `raw HTML in ${file}`);
    }
    const onDisk = await readFile(path.join(h.dir, 'runs', state.id, 'state.json'), 'utf8');
    assert.ok(!onDisk.includes(KEY_SHAPED), 'the key-shaped text reached the state file');
  });
});

describe('text shaped like an API key', () => {
  it('in a web excerpt or a context document is redacted and the run completes', async () => {
    const workspace = new MemoryWorkspace();
    workspace.files.set('notes.md', `# Notes\n\nThe vendor's sample config had ${KEY_SHAPED} in it.\n`);
    const reviewer = new ScriptedReviewer({ sources: [{ kind: 'choose', contextFiles: ['notes.md'], webSearch: true }] });
    const h = harness({ search: new HostileSearch(), workspace, reviewer });
    h.model.rewrite = (req, res) => (req.step === 'integrate' ? { ...res, text: `${res.text}\nThe model quoted ${KEY_SHAPED}.` } : res);
    const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'done', error?.message);
    const onDisk = await readFile(path.join(h.dir, 'runs', state.id, 'state.json'), 'utf8');
    assert.ok(!onDisk.includes(KEY_SHAPED));
    assert.ok(onDisk.includes(REDACTED_KEY));
  });

  it('is redacted by the store itself, and the state is saved', async () => {
    const h = harness();
    const store = new FileStateStore(h.dir, { secrets: () => [] });
    const { state } = await new Orchestrator({ ...h.deps, store, reviewer: new ScriptedReviewer({ sources: [{ kind: 'cancel' }] }) }).start(
      `Our intern pasted ${KEY_SHAPED} into the brief: should we rotate every key?`,
    );
    const saved = await store.load(state.id);
    assert.ok(!saved.state.problem.includes(KEY_SHAPED));
    assert.ok(saved.state.problem.includes(REDACTED_KEY));
    // The run's summary next to it (the review queue's index) is written from the redacted state.
    await store.list();
    const summary = await readFile(path.join(h.dir, 'runs', state.id, 'summary.json'), 'utf8');
    assert.ok(!summary.includes(KEY_SHAPED), 'the key-shaped text reached summary.json');
  });

  it("the person's own key is still refused, and the stopped run is not left recorded as running", async () => {
    // An Exa key of the person (not shaped like an Anthropic key, so nothing redacts it).
    const ownKey = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const h = harness();
    const store = new FileStateStore(h.dir, { secrets: () => [ownKey] });
    // The key arrives in a model answer after the first states were written.
    h.model.rewrite = (req, res) => (req.step === 'propose' ? { ...res, text: `${res.text} ${ownKey}` } : res);
    const { state, error } = await new Orchestrator({ ...h.deps, store }).start(PROBLEM);
    assert.equal(state.status, 'failed');
    assert.match(error!.message, /configured API keys/);
    assert.ok(!error!.message.includes(ownKey));
    const saved = await store.load(state.id);
    assert.equal(saved.state.status, 'failed', 'the run is still recorded as running');
    const onDisk = await readFile(path.join(h.dir, 'runs', state.id, 'state.json'), 'utf8');
    assert.ok(!onDisk.includes(ownKey));
  });
});

describe('source ids', () => {
  it('are accepted only as S<number> (or a passage, S<number>.<number>)', () => {
    assert.deepEqual(CitationEntry.parse({ point: 'p', sourceIds: ['S3', ' [S4] ', 'S5.2'] }).sourceIds, ['S3', 'S4', 'S5.2']);
    for (const bad of ['[open](command:workbench.action.openSettings)', 'S', 'S3a', 's3', '3', 'S3.', 'S3.x']) {
      assert.equal(CitationEntry.safeParse({ point: 'p', sourceIds: [bad] }).success, false, bad);
    }
  });

  it('a citation map naming a hostile "id" never echoes it in the error', async () => {
    const hostile = '[open settings](command:workbench.action.openSettings)';
    const h = harness();
    h.model.rewrite = (req, res) =>
      req.step === 'citations' ? { ...res, text: JSON.stringify({ citations: [{ point: 'x', sourceIds: [hostile] }], gaps: [] }) } : res;
    const { state, error } = await new Orchestrator(h.deps).start(PROBLEM);
    assert.equal(state.status, 'failed');
    assert.ok(error && !error.message.includes('command:'), error?.message);
  });
});

describe('notification text', () => {
  it('never forms a [label](target) link', () => {
    const text = inert('Done: [open settings](command:workbench.action.openSettings) and [x]\n(https://e.org)');
    assert.ok(!/\[[^\]]+\]\((?:https?:|command:|file:)/i.test(text), text);
    assert.ok(!text.includes('\n'));
    assert.match(text, /open settings/);
  });

  it('cuts a long text to its limit without forming a link at the cut', () => {
    const long = `${'x'.repeat(50)}[go](command:workbench.action.openSettings)${'y'.repeat(400)}`;
    const text = inert(long, 60);
    assert.equal(text.length, 60);
    assert.ok(text.endsWith('…'));
    assert.ok(!/\]\(/.test(text), text);
    assert.equal(inert('short', 60), 'short');
  });
});

describe('the panel nonce', () => {
  it('does not come from Math.random', () => {
    const original = Math.random;
    Math.random = () => 0;
    try {
      const a = cspNonce();
      const b = cspNonce();
      assert.notEqual(a, b, 'the nonce follows Math.random');
      assert.ok(a.length >= 22, a);
    } finally {
      Math.random = original;
    }
  });
});
