/**
 * Verification of the sources an analyst names from its own knowledge (L1).
 *
 * Owns: the rule that such a source is `verified` only when its page was fetched by URL and
 * holds the short quote the analyst gave (case, whitespace and punctuation aside); everything
 * else — no URL, no quote, web access off, the lookup budget spent, a page that does not exist,
 * a lookup that failed or timed out, a page without the quote — is `unverified`, with the
 * reason, and the run goes on. Lookups are budgeted per analysis
 * (`maxSourceLookups`), made once per URL within a run (saved in the state, so a resumed run
 * does not pay again; parallel analysts naming one URL share one lookup), cost-accounted and
 * written to the run log like searches.
 * Must not: decide how unverified sources are shown (the document renderer and the
 * `unverifiedSources` setting do).
 */
import { BudgetStop } from './budget';
import type { RunContext } from './context';
import { CancelledError, errorMessage } from './errors';
import { holdsQuote } from './evidence';
import type { PageLookup, SourceVerification } from './evidenceSchema';
import type { AnalystSource } from './state';

/** Exa's published price of one page of text contents (USD), when an answer carries no cost. */
export const CONTENTS_USD_PER_PAGE = 0.001;

/** Characters of a fetched page kept in the state (enough to hold a quote and cite passages). */
const PAGE_TEXT_LIMIT = 20_000;

/** Lookups under way in this process, by URL, so that parallel analysts share one. */
const inFlight = new WeakMap<RunContext, Map<string, Promise<PageLookup | 'run-budget'>>>();

export function isWebUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function lookupsEnabled(ctx: RunContext): boolean {
  return ctx.state.webSearchAllowed && !!ctx.search?.contents && !ctx.search.demo;
}

/** The saved lookup of a URL, or a new one when the budgets allow; else which budget did not. */
async function lookup(ctx: RunContext, url: string): Promise<PageLookup | 'lookups-spent' | 'run-budget'> {
  const saved = ctx.state.pageLookups.find((p) => p.url === url);
  if (saved) return saved;
  let running = inFlight.get(ctx);
  if (!running) inFlight.set(ctx, (running = new Map()));
  const pending = running.get(url);
  if (pending) return pending;
  if (ctx.state.pageLookups.length + running.size >= ctx.settings.maxSourceLookups) return 'lookups-spent';
  const task = fetchPage(ctx, url);
  running.set(url, task);
  try {
    return await task;
  } finally {
    running.delete(url);
  }
}

async function fetchPage(ctx: RunContext, url: string): Promise<PageLookup | 'run-budget'> {
  let release: () => void;
  try {
    // A paid call like a search: its upper bound is reserved against the run's budget first.
    const seen = Math.max(0, ...ctx.state.pageLookups.map((p) => p.costUsd));
    release = await ctx.budget.reserve(Math.max(CONTENTS_USD_PER_PAGE, seen) * 1.25, { step: 'analysts', label: 'page lookup', partialAllowed: true });
  } catch (err) {
    if (!(err instanceof BudgetStop)) throw err;
    ctx.log.warn(`The page ${url} was not fetched: the budget of the run was reached.`);
    return 'run-budget';
  }
  const started = Date.now();
  let record: PageLookup;
  try {
    const out = await ctx.search!.contents!([url], { signal: ctx.signal });
    const page = out.pages.find((p) => p.url === url) ?? out.pages[0];
    const failure = out.failures.find((f) => f.url === url);
    const base = { url, at: ctx.now(), durationMs: Date.now() - started, costUsd: out.costUsd ?? CONTENTS_USD_PER_PAGE * out.pages.length };
    if (page && !failure) {
      record = {
        ...base,
        outcome: 'found',
        reason: '',
        title: page.title,
        publishedDate: page.publishedDate,
        text: page.text.slice(0, PAGE_TEXT_LIMIT),
      };
    } else {
      const notFound = failure?.httpStatus === 404 || failure?.httpStatus === 410 || failure?.reason === 'CRAWL_NOT_FOUND';
      const reason = failure ? `${failure.reason}${failure.httpStatus ? ` (${failure.httpStatus})` : ''}` : 'no page came back';
      record = { ...base, outcome: notFound ? 'not-found' : 'failed', reason };
    }
  } catch (err) {
    if (err instanceof CancelledError || ctx.signal?.aborted) throw new CancelledError();
    // A failed or timed-out lookup marks the source unverified; the run goes on.
    record = { url, at: ctx.now(), outcome: 'failed', reason: errorMessage(err), durationMs: Date.now() - started, costUsd: 0 };
    ctx.log.warn(`The page ${url} could not be fetched: ${errorMessage(err)}`);
  } finally {
    release();
  }
  ctx.state.pageLookups.push(record);
  ctx.runLog.search({
    step: 'analysts',
    query: `page lookup: ${url}`,
    results: record.outcome === 'found' ? 1 : 0,
    durationMs: record.durationMs,
    costUsd: record.costUsd,
  });
  ctx.checkpoint();
  return record;
}

/** The verification of one named source. */
export async function verifyNamedSource(ctx: RunContext, src: AnalystSource): Promise<SourceVerification> {
  const quote = src.quote?.trim();
  const unverified = (reason: string): SourceVerification => ({ status: 'unverified', reason, ...(quote ? { quote } : {}) });
  if (src.document) return unverified('a context document, not a source named from memory');
  if (!src.url) return unverified('no URL was given');
  if (!isWebUrl(src.url)) return unverified('its URL is not a web address (http or https)');
  if (!quote) return unverified('no quote was given to check it against');
  if (!lookupsEnabled(ctx)) return unverified('web lookups are off for this analysis (web search not allowed)');
  const page = await lookup(ctx, src.url.trim());
  if (page === 'lookups-spent') return unverified(`the lookup budget (${ctx.settings.maxSourceLookups} per analysis) was spent`);
  if (page === 'run-budget') return unverified('not looked up: the budget of the run was reached');
  const checkedAt = page.at;
  if (page.outcome === 'not-found') return { ...unverified(`the page does not exist (${page.reason})`), checkedAt };
  if (page.outcome === 'failed') return { ...unverified(`the page could not be fetched (${page.reason})`), checkedAt };
  if (!holdsQuote(page.text ?? '', quote)) return { ...unverified('the page does not contain the quote'), checkedAt };
  return { status: 'verified', reason: '', quote, checkedAt };
}

/** Verifies the sources an analyst named, in order (their lookups run in parallel). */
export async function verifyNamedSources(
  ctx: RunContext,
  sources: AnalystSource[],
): Promise<Array<{ url?: string; verification: SourceVerification }>> {
  const checks = await Promise.all(sources.map((src) => verifyNamedSource(ctx, src)));
  return sources.map((src, i) => ({ ...(src.url ? { url: src.url } : {}), verification: checks[i] }));
}

/** The fetched page of a verified source, if any. */
export function pageOf(ctx: Pick<RunContext, 'state'>, url: string | undefined): PageLookup | undefined {
  return url ? ctx.state.pageLookups.find((p) => p.url === url.trim() && p.outcome === 'found') : undefined;
}
