/**
 * Evidence end to end, through the real SDKs against the fake APIs: the analysts and the full
 * text cite attached passages (SSE, `citations_delta`), hostile citations are dropped and
 * logged, sources named by analysts are verified by page lookups (found, without the quote,
 * 404, 429 then found, a hang), and the final document shows only checked quotes — each found
 * verbatim in its file at the line it names — with 0 unverified sources shown as verified.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import { normalizeSpace } from '../../src/core/evidence';
import { FinalFrontmatterSchema } from '../../src/core/checks';
import { parseFrontmatter } from '../../src/core/modelAnswers';
import { ExaSearch } from '../../src/providers/exa';
import type { AnthropicResponder } from '../fakes/anthropicServer';
import { malformed } from '../fakes/citations';
import { harness, ScriptedReviewer } from '../helpers/core';
import { bundledLibrary, demoResponder, startFakes } from '../helpers/fakeRun';

const NOTES = [
  '# Notes',
  '',
  'Our distributor in Munich reports demand growth for industrial sensors of 12% in 2025.',
  'Prices fell by 4% over the year.',
  '',
  '## Channels',
  '',
  'Most sales go through distributors. Direct sales are small.',
  '',
].join('\n');

const QUOTE = 'An illustrative sentence of the source, word for word.';

/**
 * The demo answers, with three malformed citations added to every cited answer; each analyst
 * also names a web source from memory, with a quote, at https://pages.example/<analyst id>.
 */
const hostile: AnthropicResponder = async (input) => {
  const base = await demoResponder(input);
  if (typeof base === 'string' || !base.blocks) return base;
  const blocks = base.blocks.map((b) => ({ ...b }));
  if (input.task?.step === 'analysts') {
    const id = input.task.label.replace(/^analyst:/, '');
    const named = `sources:\n  - title: "Named source of ${id}"\n    url: "https://pages.example/${id}"\n    quote: "${QUOTE}"\n`;
    blocks[0] = { ...blocks[0], text: blocks[0].text.replace(/^sources: \[\]\n/m, named).replace(/^sources:\n/m, named) };
  }
  const doc = input.citables[0];
  const bad = [malformed.outOfRange(doc), malformed.wrongQuote(doc), malformed.unsentDocument(doc, input.citables.length)];
  return { blocks: [...blocks, { text: ' A hostile claim.', citations: bad }] };
};

/** Sources in the final document, as `{ n, head, quotes }` read back from the markdown. */
function sourcesOf(doc: string) {
  const section = doc.slice(doc.indexOf('\n## Sources\n'));
  const items: Array<{ n: number; head: string; quotes: Array<{ anchor: string; text: string; file?: string; line?: number }> }> = [];
  for (const line of section.split('\n')) {
    const head = /^(\d+)\. <a id="source-\1"><\/a>(.*)$/.exec(line);
    if (head) items.push({ n: Number(head[1]), head: head[2], quotes: [] });
    const quote = /^ {3}- <a id="(source-\d+-\d+)"><\/a>“(.*)” — (?:\[(?:\\.|[^\]\\])*\]\(([^)#]+)#L(\d+)\)|<[^>]+>)$/.exec(line);
    if (quote) {
      const text = quote[2].replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/\\(.)/g, '$1');
      items.at(-1)!.quotes.push({ anchor: quote[1], text, file: quote[3], line: quote[4] ? Number(quote[4]) : undefined });
    }
  }
  return items;
}

describe('evidence through the real SDKs against the fake APIs', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  before(async () => {
    fakes = await startFakes({ anthropic: { responder: hostile } });
    fakes.exa.setPages((url) => {
      if (url.endsWith('/market')) return { title: 'Market page', text: `Intro.\n\n${QUOTE.toUpperCase()} More text.` };
      if (url.endsWith('/competition')) return { title: 'Competition page', text: 'A page that says something else.' };
      if (url.endsWith('/customer')) return { title: 'Customer page', text: `Text. ${QUOTE}` };
      return null;
    });
  });
  after(() => fakes.close());

  async function run(settings: Record<string, unknown> = {}) {
    const library = await bundledLibrary();
    // A short timeout, so that the page that hangs fails fast.
    const search = new ExaSearch({ apiKey: fakes.exa.apiKey, baseURL: fakes.exa.url, timeoutMs: 400, retries: 1, backoffMs: 5 });
    fakes.exa.setFaults((input) => {
      if (input.path !== '/contents') return null;
      if (input.urls[0].endsWith('/regulatory')) return { kind: 'delay', ms: 5000 };
      if (input.urls[0].endsWith('/customer') && !fakes.exa.requests.some((r) => r.fault?.kind === 'rate-limit')) return { kind: 'rate-limit', retryAfterSeconds: 0 };
      return null;
    });
    const h = harness({
      model: fakes.model,
      search,
      library,
      settings: settings as never,
      reviewer: new ScriptedReviewer({ sources: [{ kind: 'choose', contextFiles: ['docs/notes.md'], webSearch: true }] }),
    });
    h.workspace.files.set('docs/notes.md', NOTES);
    const outcome = await new Orchestrator(h.deps).start('Should we enter the German market for industrial sensors next year, and how?');
    assert.equal(outcome.error, undefined, outcome.error?.message);
    return { h, state: outcome.state, doc: h.workspace.files.get(outcome.state.finalDocument!.path!)! };
  }

  it('shows only checked quotes, drops and logs the hostile citations, and shows no unverified source as verified', async (t) => {
    const { h, state, doc } = await run();
    const { data } = parseFrontmatter(doc);
    const fm = FinalFrontmatterSchema.parse(data);
    const sources = sourcesOf(doc);

    // The answers streamed (SSE) with citations_delta events.
    const fulltext = fakes.anthropic.requests.filter((r) => r.task?.step === 'fulltext');
    assert.ok(fulltext.every((r) => r.stream));

    // Every quote shown is in the file at the line it names.
    const lines = NOTES.split('\n');
    let quotes = 0;
    let verbatim = 0;
    for (const s of sources) {
      for (const q of s.quotes) {
        quotes++;
        if (q.file) {
          assert.equal(q.file, '../../docs/notes.md');
          // The quote starts on the line the link opens.
          if (normalizeSpace(lines.slice(q.line! - 1).join(' ')).startsWith(normalizeSpace(q.text))) verbatim++;
        } else {
          const source = state.sources.find((x) => x.url && s.head.includes(x.url))!;
          const page = state.pageLookups.find((p) => p.url === source.url)?.text ?? source.excerpt ?? '';
          if (normalizeSpace(page).includes(normalizeSpace(q.text))) verbatim++;
        }
      }
    }
    assert.ok(quotes >= 3);
    assert.equal(verbatim, quotes, 'every quote is found verbatim where it says');
    assert.equal(fm.evidence.quotes, quotes);

    // Hostile citations: three per cited answer (each section of the document is one), all
    // dropped, listed in the run log, never shown.
    const fulltextAnswers = state.calls.filter((c) => c.step === 'fulltext').length;
    assert.ok(fulltextAnswers > 1, 'the document was written by sections');
    assert.equal(fm.evidence.dropped_citations, 3 * fulltextAnswers);
    assert.doesNotMatch(doc, /invented by the model/);
    const log = await h.store.readRunLog(state.id);
    assert.equal([...log.matchAll(/fulltext section:\d+ \(attempt 1\): 3 citation\(s\) dropped/g)].length, fulltextAnswers);
    assert.match(log, /passage range \d+–\d+ is outside "docs\/notes.md"/);
    assert.match(log, /which was not sent/);
    assert.match(log, /the quoted text is not in the cited passage/);
    for (const a of Object.values(state.analysts)) assert.equal(a.evidence!.dropped.length, 3);

    // Named sources: verified only when the page holds the quote.
    const status = (id: string) => state.sources.find((x) => x.level === 'L1' && x.analyst === id)!.verification!;
    assert.equal(status('market').status, 'verified');
    assert.match(status('competition').reason, /does not contain the quote/);
    assert.equal(status('customer').status, 'verified', 'a 429 is retried');
    assert.match(status('regulatory').reason, /could not be fetched .*did not answer/);
    assert.match(status('financial').reason, /does not exist/);
    assert.ok(state.pageLookups.every((p) => p.costUsd >= 0));
    assert.ok(state.pageLookups.length <= 5);

    // 0 unverified sources appear as verified.
    let shownUnverified = 0;
    for (const s of sources) {
      const source = state.sources.find((x) => s.head.includes(`**${x.title}**`));
      assert.ok(source, s.head);
      const unverified = source.level === 'L1' && source.verification?.status !== 'verified';
      if (unverified) {
        shownUnverified++;
        assert.match(s.head, /\*\*unverified\*\*/);
      } else assert.match(s.head, /· verified/);
    }
    assert.equal(fm.evidence.unverified_sources, shownUnverified);
    // Every [n] links to an entry of the Sources section.
    // Every [n] links to an entry of the Sources section: to the quote that backs it, or (an
    // unverified source) to the entry itself.
    const marks = [...doc.matchAll(/\[\[(\d+)\]\]\(#source-(\d+)(?:-(\d+))?\)/g)];
    assert.ok(marks.length > 0);
    for (const m of marks) {
      assert.equal(m[1], m[2]);
      const entry = sources.find((s) => s.n === Number(m[1]));
      assert.ok(entry, m[0]);
      if (m[3]) assert.ok(entry.quotes.some((q) => q.anchor === `source-${m[1]}-${m[3]}`), `${m[0]} links to a quote of the entry`);
      else assert.ok(/\*\*unverified\*\*/.test(entry.head), `${m[0]} links to no quote, but its source is not unverified`);
    }
    t.diagnostic(
      `final document: ${marks.length} citation marks, ${sources.length} sources, ${quotes} checked quotes ` +
        `(${verbatim} verbatim), ${fm.evidence.dropped_citations} citations dropped, ${shownUnverified} unverified sources marked, 0 shown as verified`,
    );

    // The analyst tab shows its own evidence and its named sources.
    const tab = h.workspace.files.get(`${state.outputFolder}/analyst-market.md`)!;
    assert.match(tab, /## Evidence\n\n1\. <a id="source-1"><\/a>\*\*notes\.md\*\* — context document · verified/);
    assert.match(tab, /## Sources named by the analyst\n\n(- .*\n( {2}- .*\n)?)*- \*\*Named source of market\*\* — <https:\/\/pages\.example\/market> · verified/);
    const competitionTab = h.workspace.files.get(`${state.outputFolder}/analyst-competition.md`)!;
    assert.match(competitionTab, /\*\*unverified\*\*: the page does not contain the quote/);
  });

  it('leaves unverified sources out of the final document with `omit`, and retries a citation of one', async () => {
    let firstFulltext = true;
    fakes.anthropic.setResponder(async (input) => {
      const base = await demoResponder(input);
      if (input.task?.step !== 'fulltext' || typeof base === 'string' || !base.blocks || !firstFulltext) return base;
      firstFulltext = false;
      // A citation by id of a source the model was not given (unverified, left out).
      return { blocks: [...base.blocks, { text: ' As named by an analyst [S3].' }] };
    });
    const before = fakes.anthropic.requests.length;
    try {
      const { state, doc } = await run({ unverifiedSources: 'omit' });
      const requests = fakes.anthropic.requests.slice(before).filter((r) => r.task?.step === 'fulltext');
      const sections = new Set(requests.map((r) => r.task!.label));
      // The section that cited it was written again, with the reason; the others once.
      assert.equal(state.calls.filter((c) => c.step === 'fulltext').length, sections.size + 1);
      const retried = requests.filter((r) => (r.body as { messages: unknown[] }).messages.length > 1);
      assert.equal(retried.length, 1);
      const feedback = retried[0].body as { messages: Array<{ content: unknown }> };
      assert.match(JSON.stringify(feedback.messages.at(-1)!.content), /cites sources it was not given: \[S3\]/);
      assert.doesNotMatch(doc, /\*\*unverified\*\*|pages\.example\/(competition|regulatory|financial)/);
      const fm = FinalFrontmatterSchema.parse(parseFrontmatter(doc).data);
      assert.equal(fm.evidence.unverified_sources, 0);
    } finally {
      fakes.anthropic.setResponder(hostile);
    }
  });
});
