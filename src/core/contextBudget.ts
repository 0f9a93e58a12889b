/**
 * The context budget: how many tokens of the person's documents go to the model, and which
 * passages when they do not all fit.
 *
 * - When every passage fits the budget, all of them are sent, in the shared (cached) prefix that
 *   every analyst reads.
 * - When they do not, SHARED_SHARE of the budget goes to the passages most relevant to the
 *   problem (BM25 ranking, src/lazy/search.ts), the rest is kept for each analyst: the passages
 *   left out that are most relevant to that analyst's focus are added to that analyst's own
 *   prompt. So every call still stays within the budget and the shared prefix stays one cached
 *   block.
 * - Passages are whole: a passage that does not fit is left out, never cut; smaller ones after it
 *   may still fit. Passages with no match for the query fill what room is left, in document order.
 * - What is sent is shown in document order, whatever the ranking.
 *
 * Owns: these rules and the budget's default for a model. Must not: read documents or talk to
 * the person (the sources step does).
 */
import { citationLabel, passageTokens, type Passage } from './passages';
import type { ContextPlan, PassageRef } from './state';

/** Share of the budget for the shared prefix when the documents do not fit. */
export const SHARED_SHARE = 0.8;

/** Share of a model's context window given to the person's documents by default. */
const WINDOW_SHARE = 0.4;

/** Context window of a model, in tokens (Claude models: 200,000; others: a cautious 128,000). */
export function contextWindowOf(model: string): number {
  return /claude/i.test(model) ? 200_000 : 128_000;
}

/** The budget: the setting when it is set (> 0), otherwise a share of the model's context window. */
export function contextBudgetFor(model: string, setting: number): number {
  return setting > 0 ? Math.floor(setting) : Math.floor(contextWindowOf(model) * WINDOW_SHARE);
}

export interface BudgetDocument {
  sourceId: string;
  passages: readonly Passage[];
}

export interface ContextSelection {
  /** Passage numbers sent in the shared prefix, per source id. */
  selected: Record<string, number[]>;
  plan: ContextPlan;
}

interface Candidate {
  sourceId: string;
  passage: Passage;
  /** Position over all documents, for document order. */
  order: number;
}

function candidates(docs: readonly BudgetDocument[]): Candidate[] {
  const out: Candidate[] = [];
  for (const d of docs) for (const p of d.passages) out.push({ sourceId: d.sourceId, passage: p, order: out.length });
  return out;
}

/** Orders candidates by relevance to `query` (BM25), unmatched ones after, in document order. */
async function byRelevance(items: Candidate[], query: string): Promise<Candidate[]> {
  if (!query.trim() || items.length === 0) return items;
  const { rankPassages } = await import('../lazy/search');
  const scores = rankPassages(
    items.map((c, i) => ({ id: i, text: c.passage.text })),
    query,
  );
  return items
    .map((c, i) => ({ c, score: scores.get(i) ?? 0 }))
    .sort((a, b) => b.score - a.score || a.c.order - b.c.order)
    .map((x) => x.c);
}

function take(ordered: Candidate[], budget: number): Set<Candidate> {
  const chosen = new Set<Candidate>();
  let room = budget;
  for (const c of ordered) {
    if (c.passage.tokens <= room) {
      chosen.add(c);
      room -= c.passage.tokens;
    }
  }
  return chosen;
}

function ref(c: Candidate): PassageRef {
  return { sourceId: c.sourceId, n: c.passage.n, label: citationLabel(c.passage.location), tokens: c.passage.tokens };
}

/**
 * Chooses the passages of the shared prefix. `fixedTokens` is context sent whole whatever the
 * budget (a research briefing); `query` is the problem (and what else describes it).
 */
export async function planContext(docs: readonly BudgetDocument[], budgetTokens: number, query: string, fixedTokens = 0): Promise<ContextSelection> {
  const all = candidates(docs);
  const availableTokens = passageTokens(all.map((c) => c.passage)) + fixedTokens;
  const selected: Record<string, number[]> = Object.fromEntries(docs.map((d) => [d.sourceId, [] as number[]]));
  if (availableTokens <= budgetTokens) {
    for (const c of all) selected[c.sourceId].push(c.passage.n);
    return { selected, plan: { budgetTokens, availableTokens, selectedTokens: availableTokens, analystTokens: 0, leftOut: [] } };
  }
  const shared = Math.max(0, Math.floor(budgetTokens * SHARED_SHARE) - fixedTokens);
  const chosen = take(await byRelevance(all, query), shared);
  for (const c of all) if (chosen.has(c)) selected[c.sourceId].push(c.passage.n);
  const selectedTokens = passageTokens([...chosen].map((c) => c.passage)) + fixedTokens;
  return {
    selected,
    plan: {
      budgetTokens,
      availableTokens,
      selectedTokens,
      analystTokens: Math.max(0, budgetTokens - selectedTokens),
      leftOut: all.filter((c) => !chosen.has(c)).map(ref),
    },
  };
}

/**
 * The passages left out of the shared prefix that are most relevant to one analyst's focus,
 * within `budgetTokens`. Only passages that match the focus are taken.
 */
export async function selectForAnalyst(
  docs: readonly BudgetDocument[],
  shared: Record<string, number[]>,
  budgetTokens: number,
  focus: string,
): Promise<Array<{ sourceId: string; n: number }>> {
  if (budgetTokens <= 0 || !focus.trim()) return [];
  const rest = candidates(docs).filter((c) => !(shared[c.sourceId] ?? []).includes(c.passage.n));
  if (rest.length === 0) return [];
  const { rankPassages } = await import('../lazy/search');
  const scores = rankPassages(
    rest.map((c, i) => ({ id: i, text: c.passage.text })),
    focus,
  );
  const ordered = rest
    .map((c, i) => ({ c, score: scores.get(i) ?? 0 }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.c.order - b.c.order)
    .map((x) => x.c);
  const chosen = take(ordered, budgetTokens);
  return rest.filter((c) => chosen.has(c)).map((c) => ({ sourceId: c.sourceId, n: c.passage.n }));
}
