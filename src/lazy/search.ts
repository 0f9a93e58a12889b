/**
 * Relevance ranking of passages (loaded on first use): BM25 through MiniSearch, with prefix and
 * light fuzzy matching so that "sensor" finds "sensors". Used by the context budget to choose
 * which passages to send when the documents do not fit.
 */
import MiniSearch from 'minisearch';

export interface RankInput {
  id: number;
  text: string;
}

/** Scores of the passages that match `query` (ids without a match are absent). */
export function rankPassages(items: readonly RankInput[], query: string): Map<number, number> {
  const index = new MiniSearch<RankInput>({ fields: ['text'], idField: 'id', storeFields: [] });
  index.addAll(items as RankInput[]);
  const results = index.search(query, { prefix: (term) => term.length >= 4, fuzzy: (term) => (term.length >= 6 ? 0.15 : false), combineWith: 'OR' });
  return new Map(results.map((r) => [r.id as number, r.score]));
}
