/**
 * Step 8, section by section: after the outline's approval, each section of the final document
 * is written by its own call, all in parallel and sharing two cached blocks (the run's shared
 * prefix, then the material every writer needs: the whole approved outline, the integration,
 * the citation map and the registry). The longest section leads and the others start as soon as
 * its response begins, so that they read the second block from the cache instead of each
 * writing it. Each writer also gets the evidence for its own points and what its neighbours
 * cover. The template's summary section is written last, from the other sections' text.
 *
 * Gates: each section is checked on its own (validateSection) and retried alone, with the
 * reason, when it fails; the assembled document is checked as a whole (validateFullText). Every
 * call is recorded under its own key, so a resumed run keeps the sections already written.
 * The document fills in on screen (`draft` events) in document order as sections arrive.
 *
 * Evidence: every section call carries the same citable documents as the one-call document,
 * after the two cached blocks and before the section's own instructions (which open the user
 * message), so that the documents join the prefix every writer shares. Each section's citations
 * are checked in code and its evidence gate passed on its own (evidenceGate.ts); the records
 * are shifted to where the section stands in the assembled document.
 *
 * Owns: the calls that write sections and how their texts and evidence are assembled. Must not:
 * number citations, write the frontmatter or save the document (fulltext.ts does, once for the
 * whole).
 */
import type { SentDocument } from '../citable';
import type { RunContext } from '../context';
import { errorMessage, GateError } from '../errors';
import { blocksOf, checkCitations, evidenceWithin } from '../evidence';
import { gateFullTextEvidence, type GateResult } from '../evidenceGate';
import type { DroppedCitation } from '../evidenceSchema';
import { currentOutline, outputLanguageName, sourceLine, stepSystem, templateSections } from '../promptText';
import { validateFullText, validateSection } from '../checks';
import type { TemplateDef } from '../library';
import { escapeInline } from '../safeText';
import { stripOuterFence } from '../modelAnswers';
import type { SystemBlock } from '../ports';
import type { PlannedSection, SectionPlan } from '../sectionPlan';
import { logDropped } from './fulltext';
import { largest, ledInParallel } from '../parallel';

/** What the sections may cite, and how (the one-call document's rules, fulltext.ts). */
export interface SectionEvidenceRules {
  sent: SentDocument[];
  quotable: Set<string>;
  unverifiedAllowed: Set<string>;
  /** The citation map and the registry as the writers see them (only the sources they were given). */
  citationMap: string;
  registry: string;
}

/** The assembled document as the evidence gate accepted it, and the citations dropped on the way. */
export interface WrittenSections {
  accepted: GateResult;
  dropped: DroppedCitation[];
}

/** Sections written at the same time, at most. */
const MAX_PARALLEL_SECTIONS = 8;

/** The document as it fills in: the title, then each section's heading and text so far. */
class Draft {
  private readonly parts: string[];
  constructor(
    private readonly ctx: RunContext,
    title: string,
    private readonly plan: SectionPlan,
  ) {
    this.parts = [`# ${title}`, ...plan.sections.map((p) => `## ${p.heading}`)];
  }
  set(section: PlannedSection, text: string): void {
    this.parts[section.index + 1] = text ? `## ${section.heading}\n\n${text}` : `## ${section.heading}`;
    this.emit();
  }
  append(section: PlannedSection, delta: string): void {
    const at = section.index + 1;
    this.parts[at] += this.parts[at] === `## ${section.heading}` ? `\n\n${delta}` : delta;
    this.emit();
  }
  private emit(): void {
    this.ctx.emit({ type: 'draft', parts: [...this.parts] });
  }
}

function evidenceText(ctx: RunContext, section: PlannedSection, plan: SectionPlan): string {
  const byId = new Map(ctx.state.sources.map((x) => [x.id, x]));
  const entries = (list: typeof section.citations) =>
    list.map((c) => `- Point: ${c.point}\n  Sources: ${c.sourceIds.map((id) => `[${id}]`).join('')}`).join('\n');
  // A map entry may name a passage (`S3.2`): the registry lists its source.
  const ids = [...new Set([...section.citations, ...plan.unassigned].flatMap((c) => c.sourceIds.map((id) => id.split('.')[0])))];
  const parts = [section.citations.length ? entries(section.citations) : '(The citation map has no entry for the points of this section.)'];
  if (plan.unassigned.length) parts.push(`Mapped points not tied to one section (any section may use them):\n${entries(plan.unassigned)}`);
  const sources = ids.map((id) => byId.get(id)).filter((x) => x !== undefined);
  if (sources.length) parts.push(`The sources named above:\n${sources.map(sourceLine).join('\n')}`);
  return parts.join('\n\n');
}

function neighboursText(plan: SectionPlan, section: PlannedSection): string {
  const describe = (p: PlannedSection | undefined, where: string) =>
    p ? `${where}: section ${p.index + 1}, "${p.heading}"${p.summary ? ' (the summary, written last from the other sections)' : ''}:\n${p.outline}` : `${where}: (none)`;
  return [describe(plan.sections[section.index - 1], 'Before yours'), describe(plan.sections[section.index + 1], 'After yours')].join('\n\n');
}

interface SectionJob {
  section: PlannedSection;
  /** The next attempt number (attempts are numbered across retries, rounds and resumes). */
  attempt: number;
  text: string | null;
  /** The section as its evidence gate accepted it (its text is `text`). */
  evidence?: GateResult & { dropped: DroppedCitation[] };
  /** New calls made for this section (recorded answers reused are not counted). */
  made: number;
}

/**
 * Writes one section until it passes its checks: recorded attempts are reused (a resumed run
 * pays for none of them again), and up to `validationAttempts` new calls are made.
 */
async function writeSection(
  ctx: RunContext,
  job: SectionJob,
  system: SystemBlock[],
  request: string,
  mustCite: boolean,
  draft: Draft,
  rules: SectionEvidenceRules,
  onBegin?: () => void,
): Promise<string> {
  const s = ctx.state;
  const { section } = job;
  const label = `section:${section.index + 1}`;
  const written = await ctx.validatedCall({
    key: `fulltext:section:${section.index + 1}`,
    step: 'fulltext',
    label,
    subject: `section ${section.index + 1} (${section.heading})`,
    // A resume after a failed check keeps the accepted sections and goes on numbering the
    // attempts of the others (the rejected answers are read again, free, then new ones made).
    ownAttempts: true,
    firstAttempt: job.attempt,
    attempts: ctx.settings.validationAttempts,
    system,
    messages: [{ role: 'user', content: request }],
    maxTokens: Math.max(4000, Math.ceil(section.words * 3)),
    maxTokensUpTo: 32000,
    onBegin,
    onText: (delta) => draft.append(section, delta),
    documents: rules.sent,
    onAttempt: () => draft.set(section, ''),
    check: (call, attempt) => {
      // Citations come as quotes of the attached documents: the evidence gate checks them.
      const body = validateSection(stripOuterFence(call.text), call.stopReason, s.sources, false);
      const evidence = checkCitations(rules.sent, blocksOf(call));
      logDropped(ctx, `fulltext ${label} (attempt ${attempt})`, evidence.dropped);
      const offset = call.text.indexOf(body);
      const records = offset >= 0 ? evidenceWithin(evidence, offset, offset + body.length) : [];
      const gated = gateFullTextEvidence(s, { text: body, records, registry: s.sources, quotable: rules.quotable, unverifiedAllowed: rules.unverifiedAllowed, factual: mustCite });
      return { ...gated, dropped: evidence.dropped };
    },
    feedback: (reason) => `Your section could not be accepted: ${reason} Write the complete section again.`,
  });
  job.made += written.made;
  if (!written.ok) {
    job.attempt = written.nextAttempt;
    draft.set(section, '');
    throw new GateError('fulltext', 'full-text', `The full text failed its checks: section "${section.heading}": ${written.reason}`);
  }
  const gated = written.value;
  if (gated.removed.length) ctx.runLog.note({ step: 'fulltext', message: `${label}: inline ids cited without a checked quote were removed: ${gated.removed.join(', ')}.` });
  job.evidence = gated;
  draft.set(section, gated.text);
  ctx.runLog.gate({ step: 'fulltext', gate: label, passed: true, detail: `attempt ${written.attempt}; ${gated.records.length} checked citation(s)` });
  job.attempt = written.attempt + 1;
  return gated.text;
}

/**
 * The document from its title and sections (each under its `##` heading), with each section's
 * evidence shifted to where the section stands in it.
 */
function assemble(title: string, jobs: SectionJob[]): WrittenSections {
  const accepted: GateResult = { text: title, records: [], unverifiedMarks: [], removed: [] };
  const dropped: DroppedCitation[] = [];
  for (const j of jobs) {
    accepted.text += `\n\n## ${j.section.heading}\n\n`;
    const at = accepted.text.length;
    accepted.text += j.text ?? '';
    const e = j.evidence;
    if (!e) continue;
    accepted.records.push(...e.records.map((r) => ({ ...r, span: { start: r.span.start + at, end: r.span.end + at } })));
    accepted.unverifiedMarks.push(...e.unverifiedMarks.map((m) => ({ ...m, at: m.at + at })));
    accepted.removed.push(...e.removed);
    dropped.push(...e.dropped);
  }
  return { accepted, dropped };
}

/**
 * Writes the planned sections and returns the document's body in markdown (the title first,
 * then every section under its `##` heading, in the outline's order) with its checked evidence.
 */
export async function writeSections(ctx: RunContext, template: TemplateDef, plan: SectionPlan, rules: SectionEvidenceRules): Promise<WrittenSections> {
  const s = ctx.state;
  const language = outputLanguageName(s);
  // Two cached blocks every writer shares: the run's shared prefix, then the writers' frame.
  const cached = stepSystem(
    ctx,
    'fulltext-frame',
    {
      language_name: language,
      template_name: template.name,
      template_sections: templateSections(template),
      target_words: String(template.targetWords),
      outline: currentOutline(s),
      citation_map: rules.citationMap,
      source_registry: rules.registry,
      integration: s.integration ?? '',
      output_rules: ctx.library.render('output-rules', { language_name: language }),
    },
    { attached: true, cacheStepPrompt: true },
  );
  // The outline's own title line is model text like the sections (fulltext.ts neutralizes the
  // whole); the run's title is escaped as the one-call document's is.
  const title = plan.title ?? escapeInline(s.title);
  const draft = new Draft(ctx, title, plan);
  const jobs: SectionJob[] = plan.sections.map((section) => ({ section, attempt: 1, text: null, made: 0 }));
  const body = jobs.filter((j) => !j.section.summary);
  const summary = jobs.find((j) => j.section.summary);
  const count = String(plan.sections.length);

  const sectionPrompt = (p: PlannedSection) =>
    ctx.library.render('fulltext-section', {
      section_number: String(p.index + 1),
      section_count: count,
      section_heading: p.heading,
      section_words: String(p.words),
      section_guidance: p.guidance || '(no guidance beyond the outline)',
      section_outline: p.outline,
      section_evidence: evidenceText(ctx, p, plan),
      neighbours: neighboursText(plan, p),
    });
  // The section's own instructions open the user message, after the attached documents.
  const request = (p: PlannedSection, feedback: string, instructions: string) =>
    `${instructions}\n\nWrite section ${p.index + 1} of ${count}, "${p.heading}", now.${feedback ? ` ${feedback}` : ''}`;

  let feedback = '';
  let lastError = '';
  const madeSoFar = () => jobs.reduce((n, j) => n + j.made, 0);
  // A round that only read recorded answers again (a resumed run) does not count as an attempt.
  for (let round = 1; round <= ctx.settings.validationAttempts; ) {
    const madeBefore = madeSoFar();
    const pending = body.filter((j) => j.text === null);
    // The second cached block is new to the provider's cache: the longest section leads, and
    // the others start when its response begins (then they read it instead of writing it).
    const leader = ctx.settings.promptCaching ? largest(pending, (j) => j.section.words) : undefined;
    const write = async (j: SectionJob, onBegin?: () => void) => {
      const mustCite = s.factual && j.section.citations.length > 0;
      j.text = await writeSection(ctx, j, cached, request(j.section, feedback, sectionPrompt(j.section)), mustCite, draft, rules, onBegin);
    };
    await ledInParallel(pending, MAX_PARALLEL_SECTIONS, leader, write);

    if (summary && summary.text === null) {
      const written = body.map((j) => `## ${j.section.heading}\n\n${j.text}`).join('\n\n');
      const p = summary.section;
      const instructions = ctx.library.render('fulltext-summary', {
        section_heading: p.heading,
        section_words: String(p.words),
        section_guidance: p.guidance || '(no guidance beyond the outline)',
        section_outline: p.outline,
        section_evidence: evidenceText(ctx, p, plan),
        written_sections: written,
      });
      summary.text = await writeSection(ctx, summary, cached, request(p, feedback, instructions), s.factual && p.citations.length > 0, draft, rules);
    }

    const assembled = assemble(`# ${title}`, jobs);
    try {
      // The factual check is the evidence's: citations come as quotes, not as ids.
      validateFullText(assembled.accepted.text, 'end_turn', s.sources, false);
      if (s.factual && assembled.accepted.records.length === 0 && assembled.accepted.unverifiedMarks.length === 0) {
        throw new Error('The document cites no source with a checked quote, but its content is factual. Support its claims by citing the passages of the attached documents and web results.');
      }
      ctx.runLog.gate({ step: 'fulltext', gate: 'full-text', passed: true, detail: `${jobs.length} section(s)` });
      return assembled;
    } catch (err) {
      // Every section passed on its own but the whole did not: write them again with the reason.
      lastError = errorMessage(err);
      ctx.record('fulltext', 'retry', `the whole document: ${lastError}`);
      ctx.runLog.gate({ step: 'fulltext', gate: 'full-text', passed: false, detail: lastError });
      feedback = `The document as a whole could not be accepted: ${lastError}`;
      for (const j of jobs) j.text = null;
      if (madeSoFar() > madeBefore) round++;
    }
  }
  throw new GateError('fulltext', 'full-text', `The full text failed its checks: ${lastError}`);
}
