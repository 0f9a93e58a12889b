/**
 * Step 7 — citation enrichment: analyst sources join the registry (L1), the model maps
 * registry sources to outline points and names the gaps, gaps are filled with web search (L2,
 * at most `maxSearchesPerAnalysis` searches per analysis, cached by query within the run). An
 * outline of several sections is mapped by groups of sections at the same time (citationParts.ts).
 * Gate: every cited id is in the registry, and the map is not empty for factual content.
 */
import * as z from 'zod';
import { BudgetStop } from '../budget';
import type { RunContext } from '../context';
import { CancelledError, errorMessage, GateError } from '../errors';
import { currentOutline, outputLanguageName, sourceRegistryText, stepSystem } from '../promptText';
import { assertCitationMap, unknownSourceIds } from '../checks';
import { parseJsonAnswer } from '../modelAnswers';
import { groupBlocks, makePassage, paragraphs, type Passage } from '../passages';
import type { SearchResult } from '../ports';
import { SourceId, type CitationEntry, type Source } from '../state';
import { httpUrl } from '../safeText';
import { redactKeyShapedText } from '../secrets';
import { numberedOutline } from '../sectionPlan';
import { nextSourceId } from './sources';
import { reject, type Rejection } from '../validatedCall';
import { answerAgain, citationGroups, mapByGroups, type MapAnswer } from './citationParts';

const CitationsAnswer = z.object({
  citations: z.array(z.object({ point: z.string().min(1), sourceIds: z.array(SourceId) })).default([]),
  // `importance` ranks the gaps of the groups of sections mapped at the same time (citationParts.ts).
  gaps: z.array(z.object({ point: z.string().min(1), query: z.string().default(''), importance: z.number().int().min(1).max(3).optional().catch(undefined) })).default([]),
  factual: z.boolean().optional(),
});

function normalizeUrl(url: string): string {
  return url.trim().replace(/[#?].*$/, '').replace(/\/+$/, '').toLowerCase();
}

/**
 * Adds the analysts' named sources to the registry as L1, once each (deduplicated by URL or
 * title), with their verification (a source named by several analysts is verified when one of
 * them gave a quote its page holds).
 */
export function registerAnalystSources(ctx: RunContext): void {
  const s = ctx.state;
  const seen = new Set(s.sources.map((x) => (x.url ? normalizeUrl(x.url) : `title:${x.title.toLowerCase()}`)));
  for (const run of Object.values(s.analysts)) {
    if (run.status !== 'done' || !run.frontmatter) continue;
    run.frontmatter.sources.forEach((src, i) => {
      const key = src.url ? normalizeUrl(src.url) : `title:${src.title.toLowerCase()}`;
      const verification = run.sourceChecks?.[i]?.verification ?? { status: 'unverified' as const, reason: 'not checked' };
      if (seen.has(key)) {
        const known = s.sources.find((x) => x.level === 'L1' && (x.url ? normalizeUrl(x.url) : `title:${x.title.toLowerCase()}`) === key);
        if (known && verification.status === 'verified' && known.verification?.status !== 'verified') known.verification = verification;
        return;
      }
      seen.add(key);
      // A context document (or a briefing source) the analyst names by file name or title is
      // already in the registry as L0.
      const names = [src.document, src.title].filter((n): n is string => !!n).map((n) => n.trim().toLowerCase());
      const l0 = s.sources.find(
        (x) => x.level === 'L0' && (names.includes(x.title.trim().toLowerCase()) || (!!src.document && x.documentRef === src.document)),
      );
      if (l0) return;
      // Only web addresses are kept as a source's URL (the one rule of safeText.httpUrl).
      s.sources.push({ id: nextSourceId(s.sources), level: 'L1', title: src.title, url: httpUrl(src.url), documentRef: src.document, analyst: run.id, verification });
    });
  }
}

/** A web result as located passages: its highlights, or its text in paragraphs, each at its URL. */
export function webPassages(r: SearchResult): Passage[] {
  const location = { kind: 'web' as const, url: r.url, ...(r.title ? { title: r.title } : {}), ...(r.publishedDate ? { publishedDate: r.publishedDate } : {}) };
  const texts = r.highlights.map((h) => h.trim()).filter(Boolean);
  const pieces = texts.length ? texts : groupBlocks(paragraphs(r.text ?? '')).map((g) => g.map((b) => b.text).join('\n\n'));
  return pieces.map((text, i) => makePassage(i + 1, text, location));
}

export function searchKey(query: string): string {
  return `search:${query.trim().toLowerCase().replace(/\s+/g, ' ')}`;
}

type Fetched = {
  query: string;
  key: string;
  out: Awaited<ReturnType<NonNullable<RunContext['search']>['search']>> | null;
  durationMs: number;
  release: () => void;
};

/**
 * Runs one web search within the run's budget; a failed search is reported and gives no
 * results, one the budget does not allow is skipped.
 */
async function fetchGap(ctx: RunContext, query: string): Promise<Fetched> {
  const s = ctx.state;
  const key = searchKey(query);
  let release: () => void;
  try {
    release = await ctx.budget.reserve(ctx.budget.searchBound(), { step: 'citations', label: 'search', partialAllowed: true });
  } catch (err) {
    if (!(err instanceof BudgetStop)) throw err;
    ctx.log.warn(`Web search for "${query}" skipped: the budget of the run was reached.`);
    return { query, key, out: null, durationMs: 0, release: () => {} };
  }
  const started = Date.now();
  try {
    const out = await ctx.search!.search(query, { numResults: 3, signal: ctx.signal });
    return { query, key, out, durationMs: Date.now() - started, release };
  } catch (err) {
    release();
    if (err instanceof CancelledError || ctx.signal?.aborted) throw new CancelledError();
    ctx.log.warn(`Web search failed for "${query}": ${errorMessage(err)}`);
    s.errors.push({ at: ctx.now(), step: 'citations', message: `Web search failed for "${query}": ${errorMessage(err)}` });
    return { query, key, out: null, durationMs: Date.now() - started, release: () => {} };
  }
}

/** Registers a search's results as L2 sources (once per URL) and records the search. */
function registerGap(ctx: RunContext, fetched: Fetched): string[] {
  const s = ctx.state;
  if (!fetched.out) return [];
  const ids: string[] = [];
  for (const r of fetched.out.results) {
    // A result without a web address (javascript:, data:, ...) cannot be a source.
    const url = httpUrl(r.url);
    if (!url) {
      ctx.log.warn(`A web search result for "${fetched.query}" was skipped: its address is not http(s).`);
      continue;
    }
    const existing = s.sources.find((x) => x.url && normalizeUrl(x.url) === normalizeUrl(url));
    if (existing) {
      ids.push(existing.id);
      continue;
    }
    const src: Source = {
      id: nextSourceId(s.sources),
      level: 'L2',
      title: redactKeyShapedText(r.title || url),
      url,
      publishedDate: r.publishedDate,
      excerpt: redactKeyShapedText(r.highlights.join(' … ') || r.text || '').slice(0, 500),
      passages: webPassages(r),
    };
    s.sources.push(src);
    ids.push(src.id);
  }
  s.searches.push({ key: fetched.key, query: fetched.query, at: ctx.now(), durationMs: fetched.durationMs, resultSourceIds: ids, costUsd: fetched.out.costUsd ?? ctx.prices.searchUsd });
  fetched.release();
  ctx.emitCost();
  ctx.runLog.search({ query: fetched.query, results: ids.length, durationMs: fetched.durationMs });
  return ids;
}

/**
 * Fills the gaps that have a query with web search: the searches the budget allows run at the
 * same time (a recorded one is reused), and their results are registered in the gaps' order,
 * so that source ids never depend on which answer came back first. Returns each gap's ids and
 * how many searches were asked for (not reused, within the limit).
 */
async function searchGaps(ctx: RunContext, queries: string[]): Promise<{ results: string[][]; asked: number }> {
  const s = ctx.state;
  const fresh: string[] = [];
  for (const q of queries) {
    const key = searchKey(q);
    const known = s.searches.some((x) => x.key === key) || fresh.some((f) => searchKey(f) === key);
    if (!known && s.searches.length + fresh.length < ctx.settings.maxSearchesPerAnalysis) fresh.push(q);
  }
  // Each search reserves its budget first, which hands the last checkpoint to the store.
  const fetched = fresh.length ? await Promise.all(fresh.map((q) => fetchGap(ctx, q))) : [];
  const out = queries.map((q) => {
    const key = searchKey(q);
    const recorded = s.searches.find((x) => x.key === key);
    if (recorded) {
      ctx.runLog.search({ query: q, results: recorded.resultSourceIds.length, durationMs: 0, cached: true });
      return recorded.resultSourceIds;
    }
    const f = fetched.find((x) => x.key === key);
    return f ? registerGap(ctx, f) : [];
  });
  if (fetched.length) ctx.checkpoint();
  return { results: out, asked: fresh.length };
}

export async function runCitations(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  registerAnalystSources(ctx);
  // The answer names outline points by id (`P2.3`) rather than copying their text back: a
  // much shorter answer, and an exact match.
  const outline = numberedOutline(currentOutline(s));
  const pointText = (point: string) => outline.points.get(point.trim().replace(/^\[|\]$/g, '')) ?? point.replace(/^\[P\d+(?:\.\d+)?\]\s*/, '');

  const maxSearches = s.webSearchAllowed ? ctx.settings.maxSearchesPerAnalysis : 0;
  const vars = { language_name: outputLanguageName(s), outline: outline.text, source_registry: sourceRegistryText(s.sources), max_searches: String(maxSearches) };
  const check = (text: string): MapAnswer | Rejection => {
    const a = parseJsonAnswer(text, CitationsAnswer);
    const unknown = unknownSourceIds(a.citations.flatMap((c) => c.sourceIds), s.sources);
    return unknown.length ? reject(`These source ids are not in the registry: ${unknown.join(', ')}. Use only the listed ids.`) : a;
  };
  // An outline of several sections is mapped by groups of sections at the same time; a run
  // whose map was already answered by one call keeps that answer.
  const groups = ctx.recorded(ctx.callKey('citations', 'citations:1')) ? [] : citationGroups(outline.text);
  let answer: MapAnswer;
  if (groups.length > 1) {
    answer = await mapByGroups(ctx, groups, stepSystem(ctx, 'citations-frame', vars, { cacheStepPrompt: true }), maxSearches, check);
  } else {
    const mapped = await ctx.validatedCall({
      key: 'citations',
      step: 'citations',
      label: 'citations',
      attempts: ctx.settings.validationAttempts,
      system: stepSystem(ctx, 'citations', vars),
      messages: [{ role: 'user', content: 'Map the sources to the outline points and answer with the JSON object.' }],
      maxTokens: 4000,
      check: (call) => check(call.text),
      feedback: answerAgain,
    });
    if (!mapped.ok) throw new GateError('citations', 'citation-map', `The citation map could not be built: ${mapped.reason}`);
    answer = mapped.value;
  }

  const map: CitationEntry[] = answer.citations
    .filter((c) => c.sourceIds.length > 0)
    .map((c) => ({ point: pointText(c.point), sourceIds: [...new Set(c.sourceIds)] }));
  if (answer.factual !== undefined) s.factual = answer.factual;
  const gaps = answer.gaps.map((g) => ({ point: pointText(g.point), query: g.query }));
  s.gaps = gaps.map((g) => g.point);

  if (s.webSearchAllowed && ctx.search) {
    const errorsBefore = s.errors.length;
    const searchesBefore = s.searches.length;
    const searched = gaps.filter((g) => g.query.trim());
    const { results, asked } = await searchGaps(ctx, searched.map((g) => g.query));
    for (const [i, gap] of searched.entries()) {
      const ids = results[i];
      if (ids.length) {
        const entry = map.find((c) => c.point === gap.point);
        if (entry) entry.sourceIds = [...new Set([...entry.sourceIds, ...ids])];
        else map.push({ point: gap.point, sourceIds: ids });
        s.gaps = s.gaps.filter((g) => g !== gap.point);
      }
    }
    // Every search asked for failed: the person is told, in the panel and with the outcome.
    if (asked > 0 && s.searches.length === searchesBefore && s.errors.length > errorsBefore) {
      const detail = s.errors[s.errors.length - 1].message;
      s.notices = s.notices.filter((n) => n.kind !== 'web-search-failed');
      s.notices.push({ at: ctx.now(), step: 'citations', kind: 'web-search-failed', detail });
      ctx.log.warn(`Every web search failed (${asked}); the document has no web sources. ${detail}`);
      ctx.runLog.gate({ step: 'citations', gate: 'web-search', passed: false, detail: `every web search failed (${asked}): ${detail}` });
    }
  }
  s.citationMap = map;
  assertCitationMap(s);
  ctx.record('citations', 'gate-pass', `${map.length} point(s) cited; ${s.searches.length} search(es); ${s.gaps.length} gap(s) left`);
  ctx.runLog.gate({ step: 'citations', gate: 'citation-map', passed: true, detail: `${map.length} entries` });
}
