/**
 * The evidence gate of the full text, enforced in code before the document is written.
 *
 * Owns: the rule that every citation shown is backed — by a checked evidence record (a quote
 * found in a passage that was sent), by the checked quote of a verified page, or by an
 * explicitly marked unverified source — and that nothing unverified is shown as verified.
 * A source id cited inline (`[S3]`, `[S3.14]`) that the model was not given is a failure fed
 * back to the model (the step retries); an id of a source that was given for quoting but is
 * cited without a checked quote in its sentence is removed and logged, never shown.
 * Must not: call the model, or render (evidenceRender.ts).
 */
import { sourcePassages } from './citable';
import { passageHolding } from './evidence';
import type { EvidenceRecord } from './evidenceSchema';
import { CITATION_PATTERN } from './checks';
import type { Source, WorkflowState } from './state';

export interface GateInput {
  /** The accepted text; the records' spans are offsets into it. */
  text: string;
  records: EvidenceRecord[];
  registry: Source[];
  /** Ids of the sources sent for quoting. */
  quotable: Set<string>;
  /** Ids of unverified sources the model was told it may cite by id (mode `mark`). */
  unverifiedAllowed: Set<string>;
  factual: boolean;
}

export interface GateResult {
  /** The text without inline ids (their citations are now records or unverified marks). */
  text: string;
  records: EvidenceRecord[];
  /** Positions (in the returned text) of citations of unverified sources. */
  unverifiedMarks: Array<{ at: number; sourceId: string }>;
  /** Inline ids removed because nothing backed them, for the run log. */
  removed: string[];
}

/** The sentence of `text` around position `at`: [start, end). */
function sentenceAround(text: string, at: number): [number, number] {
  let start = at;
  while (start > 0 && !/[.!?]\s/.test(text.slice(start - 2, start)) && text.slice(start - 2, start) !== '\n\n') start--;
  let end = at;
  while (end < text.length && !/[.!?]\s/.test(text.slice(end, end + 2)) && text.slice(end, end + 2) !== '\n\n') end++;
  return [start, Math.min(text.length, end + 1)];
}

/** Throws an Error (fed back to the model) or returns what may be shown. */
export function gateFullTextEvidence(state: Pick<WorkflowState, 'contextDocuments' | 'pageLookups'>, input: GateInput): GateResult {
  const byId = new Map(input.registry.map((s) => [s.id, s]));
  const notGiven: string[] = [];
  const removed: string[] = [];
  const extra: EvidenceRecord[] = [];
  const unverified: Array<{ at: number; sourceId: string }> = [];
  // Inline ids, removed from the text while the record spans are shifted accordingly.
  const cuts: Array<{ start: number; end: number }> = [];
  for (const m of input.text.matchAll(CITATION_PATTERN)) {
    const id = m[1];
    const at = m.index!;
    // The space (or the line break) before an id goes with it ("growth [S1]." and "growth\n[S1]."
    // read "growth."), a blank line never.
    const gap = /[ \t]*\n?[ \t]*$/.exec(input.text.slice(Math.max(0, at - 40), at))![0].length;
    const before = cuts.some((c) => c.end === at) ? 0 : gap;
    cuts.push({ start: at - before, end: at + m[0].length });
    const source = byId.get(id);
    if (!source || (!input.quotable.has(id) && !input.unverifiedAllowed.has(id))) {
      notGiven.push(m[0]);
      continue;
    }
    if (input.unverifiedAllowed.has(id)) {
      unverified.push({ at: at - before, sourceId: id });
      continue;
    }
    const [from, to] = sentenceAround(input.text, at);
    const backed = input.records.some((r) => r.sourceId === id && r.span.end > from && r.span.start < to);
    if (backed) continue;
    // A verified page cited by id: its checked quote backs it.
    const quote = source.verification?.status === 'verified' ? source.verification.quote : undefined;
    const passages = quote ? sourcePassages(state, source) : [];
    const i = quote ? passageHolding(passages.map((p) => p.text), quote) : -1;
    if (quote && i >= 0) {
      extra.push({ sourceId: id, passage: passages[i].n, passageEnd: passages[i].n, citedText: quote, span: { start: from, end: at } });
      continue;
    }
    removed.push(m[0]);
  }
  if (notGiven.length) {
    throw new Error(
      `The full text cites sources it was not given: ${[...new Set(notGiven)].join(', ')}. ` +
        'Cite the attached documents and web results by quoting them, and by id only the sources the registry allows.',
    );
  }
  const shift = (pos: number) => pos - cuts.filter((c) => c.end <= pos).reduce((n, c) => n + (c.end - c.start), 0);
  let text = '';
  let last = 0;
  for (const c of cuts) {
    text += input.text.slice(last, c.start);
    last = c.end;
  }
  text += input.text.slice(last);
  const records = [...input.records, ...extra]
    .filter((r) => !cuts.some((c) => r.span.start >= c.start && r.span.end <= c.end))
    .map((r) => ({ ...r, span: { start: shift(r.span.start), end: shift(r.span.end) } }));
  const unverifiedMarks = unverified.map((u) => ({ at: shift(u.at), sourceId: u.sourceId }));
  if (input.factual && records.length === 0 && unverifiedMarks.length === 0) {
    throw new Error(
      'The full text cites no source with a checked quote, but its content is factual. Support its claims by citing the passages of the attached documents and web results.',
    );
  }
  return { text, records, unverifiedMarks, removed };
}
