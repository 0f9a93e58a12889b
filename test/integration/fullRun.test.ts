import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import { FinalFrontmatterSchema, citedIds } from '../../src/core/checks';
import { parseFrontmatter } from '../../src/core/modelAnswers';
import { harness, ScriptedReviewer } from '../helpers/core';
import { bundledLibrary, startFakes } from '../helpers/fakeRun';

describe('a full run through the real SDKs against the fake APIs', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  before(async () => {
    fakes = await startFakes();
  });
  after(() => fakes.close());

  it('writes a final document whose frontmatter validates and whose every citation resolves', async () => {
    const library = await bundledLibrary();
    assert.deepEqual(library.problems, []);
    const h = harness({
      model: fakes.model,
      search: fakes.search,
      library,
      reviewer: new ScriptedReviewer({
        sources: [{ kind: 'choose', contextFiles: ['notes.md'], webSearch: true }],
      }),
    });
    h.workspace.files.set('notes.md', '# Notes\n\nOur distributor in Munich reports demand growth for industrial sensors.\n'.repeat(40));
    const outcome = await new Orchestrator(h.deps).start(
      'Should we enter the German market for industrial sensors next year, and how?',
    );
    assert.equal(outcome.error, undefined, outcome.error?.message);
    const s = outcome.state;
    assert.equal(s.status, 'done');

    // The real SDK streamed every call; usage was recorded with cache fields.
    const analystRequests = fakes.anthropic.requests.filter((r) => r.task?.step === 'analysts');
    assert.equal(analystRequests.length, s.proposal!.analysts.length);
    assert.ok(analystRequests.every((r) => r.stream));
    const analystCalls = s.calls.filter((c) => c.step === 'analysts');
    assert.ok(
      analystCalls.every((c) => c.usage.cacheCreationInputTokens + c.usage.cacheReadInputTokens > 0),
      'every analyst shares the cached prefix',
    );
    assert.ok(s.calls.some((c) => c.usage.cacheReadInputTokens > 0), 'later calls read the cache');
    assert.ok(s.calls.every((c) => c.costUsd > 0));

    // Web search filled at least one gap through the real exa-js.
    const searches = fakes.exa.requests.filter((r) => r.path.endsWith('/search'));
    assert.ok(searches.length >= 1);
    assert.ok(searches.length <= 3);
    assert.ok(s.sources.some((x) => x.level === 'L2'));

    // The final document.
    const doc = h.workspace.files.get(s.finalDocument!.path!)!;
    const { data, body } = parseFrontmatter(doc);
    const fm = FinalFrontmatterSchema.parse(data);
    assert.equal(fm.language, 'en');
    assert.equal(fm.synthesizer, s.proposal!.synthesizer);
    assert.ok(fm.models.every((m) => m.startsWith('claude-')));
    assert.equal(fm.sources.L0 + fm.sources.L1 + fm.sources.L2 > 0, true);
    const written = s.calls.filter((c) => c.step === 'fulltext').at(-1)!.text;
    for (const id of citedIds(written)) assert.ok(s.sources.some((x) => x.id === id), `${id} resolves`);
    assert.doesNotMatch(body, /\[Source:|\[S\d+\]|<!-- task/);
    // The canned answers follow the approved outline, not the headings of the prompts.
    const headings = [...body.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    const outlineHeadings = [...s.outline.at(-1)!.text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    for (const h of headings.filter((x) => x !== 'Sources')) assert.ok(outlineHeadings.includes(h), `${h} is an outline section`);
    assert.equal(fm.synthesizer, 'market-entry');
    // Nothing secret reached the state or the document.
    assert.doesNotMatch(JSON.stringify(s), new RegExp(fakes.anthropic.apiKey));
    assert.doesNotMatch(doc, new RegExp(fakes.anthropic.apiKey));
  });

  it('follows the problem’s language end to end (Italian), and English stays English', async () => {
    const library = await bundledLibrary();
    const run = async (problem: string) => {
      const h = harness({ model: fakes.model, search: fakes.search, library });
      const { state } = await new Orchestrator(h.deps).start(problem);
      assert.equal(state.status, 'done');
      return state;
    };
    const it = await run('Dovremmo entrare nel mercato tedesco dei sensori industriali il prossimo anno, e come?');
    assert.equal(it.language, 'it');
    assert.match(it.finalDocument!.markdown, /non dovrebbe aprire un ufficio commerciale/);
    assert.match(it.finalDocument!.markdown, /## Fonti/);
    const en = await run('Should we enter the German market for industrial sensors next year, and how?');
    assert.doesNotMatch(en.finalDocument!.markdown, /non dovrebbe aprire|Fonti/);
    assert.ok(en.clarifications.every((c) => !/\b(della|quando|decisione)\b/.test(c.question)));
  });
});
