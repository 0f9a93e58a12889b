/**
 * The checkpoints of the workflow, enforced in code.
 *
 * Owns: every rule that decides whether a step may start and whether a step's result may be
 * kept (analyst outputs, citation map, full text, final frontmatter). Must not: call models,
 * ask the person or write anything.
 */
import * as z from 'zod';
import { GateError } from './errors';
import { formatZodError, parseFrontmatter } from './modelAnswers';
import { AnalystFrontmatter, STEPS, type Source, type StepName, type WorkflowState } from './state';

// ---------------------------------------------------------------------------------------------
// Step preconditions: a step starts only when its predecessor finished and its gate passed.

const PRECONDITIONS: Record<StepName, (s: WorkflowState) => string | null> = {
  parse: () => null,
  sources: (s) =>
    s.synthesizerScores.length === 0 || !s.template ? 'the problem has not been parsed (no synthesizer scores or template)' : null,
  clarify: (s) => (s.sourceNeed === null ? 'the source need has not been judged' : null),
  propose: (s) => (s.synthesizerScores.length === 0 ? 'there are no synthesizer scores' : null),
  analysts: (s) =>
    !s.proposal ? 'there is no proposal' : !s.proposalApproved ? 'the proposal has not been approved' : null,
  integrate: (s) => analystsGate(s),
  outline: (s) => (!s.integration?.trim() ? 'the analyst outputs have not been integrated' : null),
  citations: (s) => (!s.outlineApproved ? 'the outline has not been approved' : null),
  fulltext: (s) =>
    s.factual && s.citationMap.length === 0 ? 'the citation map is empty while the content is factual' : null,
  done: (s) => (!s.finalDocument ? 'the full text has not been written' : null),
};

function analystsGate(s: WorkflowState): string | null {
  const runs = Object.values(s.analysts);
  if (runs.length === 0) return 'no analyst has run';
  if (runs.some((r) => r.status === 'pending' || r.status === 'running')) return 'some analysts have not finished';
  const done = runs.filter((r) => r.status === 'done').length;
  const failed = runs.length - done;
  if (done === 0) return 'every analyst failed';
  if (failed > 0 && !s.partialResults) return 'some analysts failed and the person has not chosen to continue with partial results';
  return null;
}

/** Throws a GateError when `step` may not start from `state`. */
export function assertCanStart(state: WorkflowState, step: StepName): void {
  if (step !== STEPS[0]) {
    const prev = STEPS[STEPS.indexOf(step) - 1];
    const prevEnded = state.history.some((h) => h.step === prev && h.event === 'end');
    if (!prevEnded) throw new GateError(step, 'sequence', `The step "${step}" cannot start: the step "${prev}" has not finished.`);
  }
  const reason = PRECONDITIONS[step](state);
  if (reason) throw new GateError(step, 'precondition', `The step "${step}" cannot start: ${reason}.`);
}

// ---------------------------------------------------------------------------------------------
// Analyst outputs

export interface ValidAnalystOutput {
  frontmatter: AnalystFrontmatter;
  body: string;
}

/**
 * Validates an analyst's answer: YAML frontmatter (common schema + the analyst's own required
 * fields), matching analyst id, a non-empty body, not cut short. Throws an Error whose message
 * is fed back to the model on retry.
 */
export function validateAnalystOutput(
  text: string,
  analystId: string,
  requiredFields: string[],
  stopReason: string | null,
): ValidAnalystOutput {
  if (stopReason === 'max_tokens') {
    throw new Error('The answer was cut off at the maximum output length (max_tokens); it is incomplete.');
  }
  const { data, body } = parseFrontmatter(text);
  const parsed = AnalystFrontmatter.safeParse(data);
  if (!parsed.success) throw new Error(`The frontmatter is invalid: ${formatZodError(parsed.error)}`);
  const fm = parsed.data;
  if (fm.analyst !== analystId) {
    throw new Error(`The frontmatter field "analyst" must be "${analystId}", not "${fm.analyst}".`);
  }
  const missing = requiredFields.filter((f) => {
    const v = (fm as Record<string, unknown>)[f];
    return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  });
  if (missing.length) throw new Error(`The frontmatter lacks required field(s): ${missing.join(', ')}.`);
  const cleanBody = body.trim();
  if (cleanBody.length < 40) throw new Error('The body after the frontmatter is empty or too short to be an analysis.');
  return { frontmatter: fm, body: cleanBody };
}

// ---------------------------------------------------------------------------------------------
// Citations

/** A citation: `[S3]` (a source) or `[S3.14]` (passage 14 of source S3). */
export const CITATION_PATTERN = /\[(S\d+)(?:\.(\d+))?\]/g;

/** Source ids cited inline as `[S3]` or `[S3.14]`. */
export function citedIds(text: string): string[] {
  return [...text.matchAll(CITATION_PATTERN)].map((m) => m[1]);
}

/** Citations in order, each with its passage number when it cites a passage. */
export function citedRefs(text: string): Array<{ id: string; n?: number }> {
  return [...text.matchAll(CITATION_PATTERN)].map((m) => (m[2] ? { id: m[1], n: Number(m[2]) } : { id: m[1] }));
}

/** Passage citations (`[S3.99]`) to a passage the source does not have. */
export function unknownPassages(text: string, registry: Source[]): string[] {
  const byId = new Map(registry.map((s) => [s.id, s]));
  const bad = citedRefs(text)
    .filter((r) => r.n !== undefined && byId.has(r.id) && !(byId.get(r.id)!.passages ?? []).some((p) => p.n === r.n))
    .map((r) => `${r.id}.${r.n}`);
  return [...new Set(bad)];
}

/** Ids (`S3`, or a passage `S3.14`) that are not in the registry, or name a passage the source lacks. */
export function unknownSourceIds(ids: string[], registry: Source[]): string[] {
  const byId = new Map(registry.map((s) => [s.id, s]));
  const unknown = ids.filter((id) => {
    const m = /^(S\d+)(?:\.(\d+))?$/.exec(id);
    const source = m ? byId.get(m[1]) : undefined;
    if (!source) return true;
    return m![2] !== undefined && !(source.passages ?? []).some((p) => p.n === Number(m![2]));
  });
  return [...new Set(unknown)];
}

/** The citation map may not be empty when the content is factual. */
export function assertCitationMap(state: Pick<WorkflowState, 'factual' | 'citationMap' | 'sources'>): void {
  if (state.factual && state.citationMap.length === 0) {
    throw new GateError(
      'citations',
      'citation-map',
      'The citation map is empty, but the analysis makes factual claims: no outline point is backed by a source. ' +
        'Add context documents or allow web search, then resume.',
    );
  }
  const unknown = unknownSourceIds(
    state.citationMap.flatMap((c) => c.sourceIds),
    state.sources,
  );
  if (unknown.length) {
    throw new GateError('citations', 'citation-map', `The citation map refers to sources not in the registry: ${unknown.join(', ')}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Full text

/** Internal markers that must never reach the final document. */
const INTERNAL_MARKERS: Array<{ pattern: RegExp; name: string }> = [
  { pattern: /\[Source:[^\]]*\]/i, name: '[Source: ...]' },
  { pattern: /\[Fonte:[^\]]*\]/i, name: '[Fonte: ...]' },
  { pattern: /\[analyst-[a-z0-9-]+\]/i, name: '[analyst-...]' },
  { pattern: /<!--\s*task:/i, name: '<!-- task: ... -->' },
  { pattern: /\{\{[a-z_]+\}\}/i, name: '{{placeholder}}' },
];

export function findInternalMarkers(text: string): string[] {
  return INTERNAL_MARKERS.filter((m) => m.pattern.test(text)).map((m) => m.name);
}

/**
 * Validates the full-text body written by the model: not cut short, no frontmatter of its own,
 * no internal markers, every inline citation in the registry, at least one citation when the
 * content is factual. Throws an Error whose message is fed back to the model on retry.
 */
export function validateFullText(
  text: string,
  stopReason: string | null,
  registry: Source[],
  factual: boolean,
): string {
  if (stopReason === 'max_tokens') {
    throw new Error('The full text was cut off at the maximum output length (max_tokens); it is incomplete.');
  }
  const body = text.trim();
  if (body.length < 200) throw new Error('The full text is empty or far too short.');
  if (/^---\s*\n/.test(body)) throw new Error('The full text must not start with a frontmatter block: the frontmatter is written by the application.');
  const markers = findInternalMarkers(body);
  if (markers.length) throw new Error(`The full text still contains internal markers: ${markers.join(', ')}. Remove them and cite with [S#] ids only.`);
  const ids = citedIds(body);
  const unknown = unknownSourceIds(ids, registry);
  if (unknown.length) throw new Error(`The full text cites sources that are not in the registry: ${unknown.join(', ')}. Use only the ids listed.`);
  const badPassages = unknownPassages(body, registry);
  if (badPassages.length) throw new Error(`The full text cites passages that do not exist: ${badPassages.join(', ')}. Cite only passage ids given in the context documents, or the source id alone.`);
  if (factual && ids.length === 0) throw new Error('The full text cites no source, but its content is factual. Cite the registry sources inline as [S#].');
  return body;
}

/**
 * Validates one section of the full text, written on its own: not cut short, not empty, no
 * frontmatter, no `#`/`##` heading of its own beyond a repeat of its heading on the first line
 * (which is removed), no internal markers, every citation in the registry, and a citation when
 * the citation map gives sources for its points. Returns the section's text without a repeated
 * heading; throws an Error whose message is fed back to the model on retry.
 */
export function validateSection(text: string, stopReason: string | null, registry: Source[], mustCite: boolean): string {
  if (stopReason === 'max_tokens') {
    throw new Error('The section was cut off at the maximum output length (max_tokens); it is incomplete.');
  }
  let body = text.trim();
  if (/^---\s*\n/.test(body)) throw new Error('The section must not start with a frontmatter block: the frontmatter is written by the application.');
  body = body.replace(/^#{1,2}\s+[^\n]*\n?/, '').trim();
  if (body.length < 40) throw new Error('The section is empty or far too short.');
  const heading = /^#{1,2}\s+\S.*$/m.exec(body);
  if (heading) throw new Error(`The section contains the heading "${heading[0].slice(0, 80)}": write no "#" or "##" heading (the application adds the section's heading); use "###" for subheadings.`);
  const markers = findInternalMarkers(body);
  if (markers.length) throw new Error(`The section still contains internal markers: ${markers.join(', ')}. Remove them and cite with [S#] ids only.`);
  const ids = citedIds(body);
  const unknown = unknownSourceIds(ids, registry);
  if (unknown.length) throw new Error(`The section cites sources that are not in the registry: ${unknown.join(', ')}. Use only the ids listed.`);
  const badPassages = unknownPassages(body, registry);
  if (badPassages.length) throw new Error(`The section cites passages that do not exist: ${badPassages.join(', ')}. Cite only passage ids given in the context documents, or the source id alone.`);
  if (mustCite && ids.length === 0) {
    throw new Error('The section cites no source, but the citation map gives sources for its points. Cite them inline as [S#].');
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Final frontmatter

export const FinalFrontmatterSchema = z
  .object({
    title: z.string().min(1),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    language: z.string().min(2),
    synthesizer: z.string().min(1),
    template: z.string().min(1),
    analysts: z.array(z.string().min(1)).min(1),
    sources: z.object({
      L0: z.number().int().nonnegative(),
      L1: z.number().int().nonnegative(),
      L2: z.number().int().nonnegative(),
    }),
    /**
     * Cited sources backed by checked quotes (or a verified page) and cited sources marked
     * unverified; checked quotes listed under Sources; citations dropped by the checks.
     */
    evidence: z.object({
      verified_sources: z.number().int().nonnegative(),
      unverified_sources: z.number().int().nonnegative(),
      quotes: z.number().int().nonnegative(),
      dropped_citations: z.number().int().nonnegative(),
    }),
    cost_usd: z.number().nonnegative(),
    models: z.array(z.string().min(1)).min(1),
    run_id: z.string().min(1),
    partial_results: z.boolean(),
    demo: z.boolean(),
  })
  .strict();
export type FinalFrontmatter = z.infer<typeof FinalFrontmatterSchema>;

export function validateFinalFrontmatter(data: unknown): FinalFrontmatter {
  const parsed = FinalFrontmatterSchema.safeParse(data);
  if (!parsed.success) {
    throw new GateError('fulltext', 'frontmatter', `The final document's frontmatter is invalid: ${formatZodError(parsed.error)}`);
  }
  return parsed.data;
}
