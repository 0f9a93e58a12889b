/**
 * Step 8 — full text: prose written from the approved outline with citations woven inline,
 * section by section in parallel when the outline has several (sections.ts), otherwise in one
 * call. The context documents, the web results and the verified pages go with every request as
 * citable documents (Citations): the model supports its claims by quoting their passages, and
 * every citation is checked in code (evidence.ts). Gate: not cut short, no internal markers,
 * no source cited that was not given, every citation shown backed by a checked quote or marked
 * unverified (evidenceGate.ts), a checked citation when the content is factual. The
 * application then numbers the cited sources, appends the Sources section with the quotes and
 * where they stand (evidenceRender.ts), writes and validates the YAML frontmatter, and saves
 * the document in the workspace.
 */
import type { RunContext } from '../context';
import { runCost } from '../cost';
import { errorMessage, GateError } from '../errors';
import { citationMapText, currentOutline, outputLanguageName, stepSystem, templateSections } from '../promptText';
import { citableDocuments, citingRegistryText } from '../citable';
import { blocksOf, checkCitations, evidenceWithin } from '../evidence';
import { gateFullTextEvidence, type GateResult } from '../evidenceGate';
import { citedFiles, evidenceLabels, insertCitationMarks, numberEvidence, renderSources, type CitedSource } from '../evidenceRender';
import type { DroppedCitation } from '../evidenceSchema';
import { validateFinalFrontmatter, validateFullText, type FinalFrontmatter } from '../checks';
import { renderFrontmatter, stripOuterFence } from '../modelAnswers';
import { escapeInline, neutralizeMarkdown } from '../safeText';
import { documentLabels } from '../documentLabels';
import { planSections } from '../sectionPlan';
import { writeSections } from './sections';
import { slugify, type Source, type WorkflowState } from '../state';

export { numberCitations } from '../provenance';

export function buildFrontmatter(state: WorkflowState, citedSources: CitedSource[], dropped: number, date: string): FinalFrontmatter {
  const cited: Source[] = citedSources.map((c) => c.source);
  const count = (level: Source['level']) => cited.filter((s) => s.level === level).length;
  return validateFinalFrontmatter({
    title: state.title,
    date,
    language: state.language,
    synthesizer: state.proposal!.synthesizer,
    template: state.proposal!.template,
    analysts: Object.values(state.analysts).filter((a) => a.status === 'done').map((a) => a.id),
    sources: { L0: count('L0'), L1: count('L1'), L2: count('L2') },
    evidence: {
      verified_sources: citedSources.filter((c) => c.verified).length,
      unverified_sources: citedSources.filter((c) => !c.verified).length,
      quotes: citedSources.reduce((n, c) => n + c.quotes.length, 0),
      dropped_citations: dropped,
    },
    cost_usd: Math.round(runCost(state) * 10000) / 10000,
    models: [...new Set(state.calls.map((c) => c.model))],
    run_id: state.id,
    partial_results: state.partialResults,
    demo: state.demo,
  });
}

export async function runFulltext(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const template = ctx.library.templates.find((t) => t.id === s.proposal!.template) ?? ctx.library.templates[0];
  const sent = citableDocuments(s, { withWeb: true });
  const quotable = new Set(sent.map((d) => d.sourceId));
  // Sources named by analysts and not verified: citable by id, shown as unverified (`mark`),
  // or not offered at all (`omit`).
  const unverifiedAllowed = new Set(
    ctx.settings.unverifiedSources === 'mark'
      ? s.sources.filter((x) => x.level === 'L1' && x.verification?.status !== 'verified' && !quotable.has(x.id)).map((x) => x.id)
      : [],
  );
  const given = (id: string) => quotable.has(id) || unverifiedAllowed.has(id);
  const map = { ...s, citationMap: s.citationMap.map((c) => ({ ...c, sourceIds: c.sourceIds.filter((id) => given(id.split('.')[0])) })).filter((c) => c.sourceIds.length) };
  const registryText = citingRegistryText(s.sources, quotable, unverifiedAllowed);
  let accepted: GateResult;
  let dropped: DroppedCitation[];
  // An outline of several sections is written section by section, in parallel (sections.ts),
  // citing the same documents under the same rules.
  const plan = planSections(currentOutline(s), template, map.citationMap);
  if (ctx.settings.sectionWriting && plan.sections.length > 1) {
    ({ accepted, dropped } = await writeSections(ctx, template, plan, { sent, quotable, unverifiedAllowed, citationMap: citationMapText(map), registry: registryText }));
  } else {
    const written = await ctx.validatedCall({
      key: 'fulltext',
      step: 'fulltext',
      label: 'fulltext',
      attempts: ctx.settings.validationAttempts,
      system: stepSystem(
        ctx,
        'fulltext',
        {
          language_name: outputLanguageName(s),
          template_name: template.name,
          template_sections: templateSections(template),
          target_words: String(template.targetWords),
          outline: currentOutline(s),
          citation_map: citationMapText(map),
          source_registry: registryText,
          integration: s.integration ?? '',
          output_rules: ctx.library.render('output-rules', { language_name: outputLanguageName(s) }),
        },
        { attached: true },
      ),
      messages: [{ role: 'user', content: 'Write the full document now.' }],
      maxTokens: Math.max(8000, Math.ceil(template.targetWords * 2.5)),
      maxTokensUpTo: 64000,
      stream: true,
      documents: sent,
      check: (call, attempt) => {
        // The factual check is the evidence gate's: citations come as quotes, not as ids.
        const body = validateFullText(stripOuterFence(call.text), call.stopReason, s.sources, false);
        const evidence = checkCitations(sent, blocksOf(call));
        logDropped(ctx, `fulltext (attempt ${attempt})`, evidence.dropped);
        const offset = call.text.indexOf(body);
        const records = offset >= 0 ? evidenceWithin(evidence, offset, offset + body.length) : [];
        return { gated: gateFullTextEvidence(s, { text: body, records, registry: s.sources, quotable, unverifiedAllowed, factual: s.factual }), dropped: evidence.dropped };
      },
      feedback: (reason) => `Your document could not be accepted: ${reason} Write the complete document again.`,
    });
    if (!written.ok) throw new GateError('fulltext', 'full-text', `The full text failed its checks: ${written.reason}`);
    ({ gated: accepted, dropped } = written.value);
    if (accepted.removed.length) {
      ctx.runLog.note({ step: 'fulltext', message: `Inline ids cited without a checked quote were removed: ${accepted.removed.join(', ')}.` });
    }
  }

  const l = documentLabels(s.language);
  const { cited: citedSources, marks } = numberEvidence(s.sources, accepted.records, accepted.unverifiedMarks);
  // Raw HTML, images and non-web links in the model's prose never reach the document (the
  // citation marks are links to the Sources entries, kept).
  const numbered = neutralizeMarkdown(insertCitationMarks(accepted.text, marks));
  const l10n = evidenceLabels(s.language);
  const files = await citedFiles(s, citedSources, (p) => ctx.workspace.readText(p));
  const sourcesSection = renderSources(s, citedSources, s.outputFolder, l10n, `## ${l10n.sources}`, files);
  s.fulltextEvidence = { records: accepted.records, dropped };
  const cited = citedSources.map((c) => c.source);
  const banner = [s.demo ? l.demoBanner : '', s.partialResults ? l.partialBanner : ''].filter(Boolean).join('\n\n');
  // The banners go under the title, whether the body brings its own title or not.
  const titled = /^#\s[^\n]*/.exec(numbered.trim());
  const heading = titled ? titled[0] : `# ${escapeInline(s.title)}`;
  const rest = titled ? numbered.trim().slice(titled[0].length).trim() : numbered.trim();
  const content = [heading, banner, rest, sourcesSection].filter(Boolean).join('\n\n');
  const frontmatter = buildFrontmatter(s, citedSources, dropped.length, ctx.today());
  const markdown = renderFrontmatter(frontmatter as unknown as Record<string, unknown>, content) + '\n';
  ctx.runLog.gate({
    step: 'fulltext',
    gate: 'evidence',
    passed: true,
    detail:
      `${cited.length} source(s) cited, ${frontmatter.evidence.quotes} checked quote(s), ` +
      `${frontmatter.evidence.unverified_sources} unverified source(s) marked, ${dropped.length} citation(s) dropped`,
  });
  ctx.runLog.gate({ step: 'fulltext', gate: 'frontmatter', passed: true, detail: `${cited.length} source(s) cited` });

  const file = `${s.outputFolder}/${slugify(s.title, 60)}.md`;
  let written: string | undefined;
  try {
    written = await ctx.workspace.writeDocument(file, markdown, 'final');
  } catch (err) {
    // The text is kept in the state, so nothing is lost: the person can save it once fixed.
    s.errors.push({ at: ctx.now(), step: 'fulltext', message: `The final document could not be saved: ${errorMessage(err)}` });
    s.finalDocument = { markdown, frontmatter: frontmatter as unknown as Record<string, unknown> };
    ctx.checkpoint();
    throw new Error(`The final document could not be saved to ${file}: ${errorMessage(err)} Its text is kept; resume to save it again.`);
  }
  s.finalDocument = { path: written, markdown, frontmatter: frontmatter as unknown as Record<string, unknown> };
  ctx.emit({ type: 'document', kind: 'final', path: written });
  ctx.record('fulltext', 'gate-pass', `${cited.length} source(s) cited`);
}

/** Citations that failed the checks: never shown, listed in the run log. */
export function logDropped(ctx: RunContext, where: string, dropped: DroppedCitation[]): void {
  if (dropped.length === 0) return;
  const lines = dropped.slice(0, 20).map((d) => `“${d.citedText}” on “${d.claim}”: ${d.reason}`);
  const more = dropped.length > 20 ? ` (and ${dropped.length - 20} more)` : '';
  ctx.runLog.note({ step: where.startsWith('fulltext') ? 'fulltext' : 'analysts', message: `${where}: ${dropped.length} citation(s) dropped${more}: ${lines.join(' · ')}` });
  ctx.log.warn(`${where}: ${dropped.length} citation(s) failed their checks and were dropped.`);
}
