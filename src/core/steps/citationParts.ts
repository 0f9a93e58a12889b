/**
 * Step 7 by groups of sections: the citation map made by several calls at the same time, each
 * mapping a group of the outline's sections, all sharing two cached blocks (the run's shared
 * prefix, then the numbered outline, the registry and the rules). The group with the most
 * points leads and the others start as soon as its response begins, so that they read the
 * second block from the cache. The groups' answers are merged into one: their citations, their
 * gaps ranked by importance (at most MAX_GAPS), and search queries for at most as many gaps as
 * the run may search.
 *
 * Gates: each group's answer is checked on its own (the step's check, as for one call) and that
 * group alone is asked again when it fails; the merged map goes through the step's gates
 * (citations.ts). Every call is recorded under its own key, so a resumed run keeps the groups
 * already mapped; after a failed gate, a new round of attempts maps every group again (as it
 * makes the one call of a map again).
 *
 * Owns: the groups, their calls and the merge. Must not: search, or touch the registry or the
 * state's map (citations.ts does).
 */
import type { RunContext } from '../context';
import { GateError } from '../errors';
import { largest, ledInParallel } from '../parallel';
import type { SystemBlock } from '../ports';
import type { Rejection } from '../validatedCall';

/** Groups of sections at most (each one call). */
export const MAX_CITATION_GROUPS = 4;
/** Gaps kept in all, as the one-call map asks for. */
const MAX_GAPS = 8;

/** The answer of one call, as the step reads it. */
export interface MapAnswer {
  citations: Array<{ point: string; sourceIds: string[] }>;
  gaps: Array<{ point: string; query: string; importance?: number }>;
  factual?: boolean;
}

export interface CitationGroup {
  n: number;
  /** The group's lines of the numbered outline (its `## [P#]` headings and their points). */
  text: string;
  points: number;
}

/**
 * The numbered outline's sections in at most `max` contiguous groups of about the same number
 * of points; fewer than two sections give no groups (the map is made by one call).
 */
export function citationGroups(numbered: string, max = MAX_CITATION_GROUPS): CitationGroup[] {
  const sections: string[][] = [];
  for (const line of numbered.split('\n')) {
    if (/^## \[P\d+\]/.test(line)) sections.push([line]);
    else if (sections.length) sections[sections.length - 1].push(line);
  }
  if (sections.length < 2) return [];
  const weight = (lines: string[]) => 1 + lines.filter((l) => /\[P\d+\.\d+\]/.test(l)).length;
  const total = sections.reduce((n, s) => n + weight(s), 0);
  const count = Math.min(max, sections.length);
  const groups: string[][][] = Array.from({ length: count }, () => []);
  let before = 0;
  for (const s of sections) {
    const w = weight(s);
    // The section goes to the group its middle falls in: contiguous, and about even.
    groups[Math.min(count - 1, Math.floor(((before + w / 2) / total) * count))].push(s);
    before += w;
  }
  return groups
    .filter((g) => g.length)
    .map((g, i) => ({ n: i + 1, text: g.map((s) => s.join('\n').trimEnd()).join('\n\n'), points: g.reduce((n, s) => n + weight(s) - 1, 0) }));
}

/** The groups' answers as one: citations in the groups' order, gaps ranked, queries capped. */
export function mergeAnswers(answers: MapAnswer[], maxSearches: number): MapAnswer {
  const seen = new Set<string>();
  const ranked = answers
    .flatMap((a, group) => a.gaps.map((g, rank) => ({ g, group, rank })))
    .sort((x, y) => (y.g.importance ?? 2) - (x.g.importance ?? 2) || x.group - y.group || x.rank - y.rank)
    .filter(({ g }) => !seen.has(g.point) && seen.add(g.point))
    .slice(0, MAX_GAPS);
  // Queries for the first gaps, as many different ones as the run may search (the same query
  // twice is one search: citations.ts searches it once).
  const queries = new Set<string>();
  const gaps = ranked.map(({ g }) => {
    const key = g.query.trim().toLowerCase().replace(/\s+/g, ' ');
    const query = key && (queries.has(key) || queries.size < maxSearches) ? g.query : '';
    if (query) queries.add(key);
    return { point: g.point, query, ...(g.importance !== undefined ? { importance: g.importance } : {}) };
  });
  const said = answers.map((a) => a.factual).filter((f) => f !== undefined);
  // A point mapped by two groups (an answer that strayed from its sections) keeps every source.
  const citations = new Map<string, string[]>();
  for (const c of answers.flatMap((a) => a.citations)) citations.set(c.point, [...new Set([...(citations.get(c.point) ?? []), ...c.sourceIds])]);
  return {
    citations: [...citations].map(([point, sourceIds]) => ({ point, sourceIds })),
    gaps,
    ...(said.length ? { factual: said.some((f) => f) } : {}),
  };
}

/** What a rejected map answer is told (the one call's and each group's). */
export const answerAgain = (reason: string) => `Your answer could not be used: ${reason} Answer again with the JSON object only.`;

type MapCheck = (text: string) => MapAnswer | Rejection;

/** Maps one group until its answer passes `check` (recorded attempts are read again, not paid again). */
async function mapGroup(ctx: RunContext, group: CitationGroup, system: SystemBlock[], request: string, check: MapCheck, onBegin?: () => void): Promise<MapAnswer> {
  const mapped = await ctx.validatedCall({
    key: `citations:part:${group.n}`,
    step: 'citations',
    label: `citations:part:${group.n}`,
    subject: `group ${group.n}`,
    attempts: ctx.settings.validationAttempts,
    system,
    messages: [{ role: 'user', content: request }],
    maxTokens: 4000,
    onBegin,
    check: (call) => check(call.text),
    feedback: answerAgain,
  });
  if (!mapped.ok) throw new GateError('citations', 'citation-map', `The citation map could not be built: group ${group.n} of the outline's sections: ${mapped.reason}`);
  return mapped.value;
}

/** Maps every group at the same time and merges their answers. */
export async function mapByGroups(ctx: RunContext, groups: CitationGroup[], system: SystemBlock[], maxSearches: number, check: MapCheck): Promise<MapAnswer> {
  const count = String(groups.length);
  const maxGaps = String(Math.max(2, Math.ceil(MAX_GAPS / groups.length) + 1));
  const request = (g: CitationGroup) =>
    `${ctx.library.render('citations-part', { part_number: String(g.n), part_count: count, part_points: g.text, max_gaps: maxGaps })}\n\n` +
    `Map the sources to the points of group ${g.n} of ${count} and answer with the JSON object.`;
  const answers = new Map<number, MapAnswer>();
  // The second cached block is new to the provider's cache: the largest group leads, and the
  // others start when its response begins (then they read it instead of writing it).
  const leader = ctx.settings.promptCaching ? largest(groups, (g) => g.points) : undefined;
  await ledInParallel(groups, groups.length, leader, async (g, onBegin) => {
    answers.set(g.n, await mapGroup(ctx, g, system, request(g), check, onBegin));
  });
  return mergeAnswers(groups.map((g) => answers.get(g.n)!), maxSearches);
}
