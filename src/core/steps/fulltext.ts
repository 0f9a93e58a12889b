/**
 * Step 8 — full text: prose written from the approved outline with citations woven inline, section
 * by section in parallel when the outline has several (sections.ts), otherwise in one call.
 * Gate: not cut short, no internal markers, every `[S#]` in the registry, a citation when the
 * content is factual. The application then numbers the citations, appends the sources, writes
 * and validates the YAML frontmatter, and saves the document in the workspace.
 */
import type { RunContext } from '../context';
import { runCost } from '../cost';
import { errorMessage, GateError } from '../errors';
import {
  citationMapText,
  currentOutline,
  outputLanguageName,
  sharedPrefix,
  sourceRegistryText,
  templateSections,
} from '../promptText';
import { validateFinalFrontmatter, validateFullText, type FinalFrontmatter } from '../checks';
import { numberCitations } from '../provenance';
import { renderFrontmatter, stripOuterFence } from '../modelAnswers';
import { escapeInline, neutralizeMarkdown } from '../safeText';
import type { ModelMessage } from '../ports';
import { documentLabels } from '../documentLabels';
import { planSections } from '../sectionPlan';
import { writeSections } from './sections';
import { slugify, type Source, type WorkflowState } from '../state';

export { numberCitations } from '../provenance';

export function buildFrontmatter(state: WorkflowState, cited: Source[], date: string): FinalFrontmatter {
  const count = (level: Source['level']) => cited.filter((s) => s.level === level).length;
  return validateFinalFrontmatter({
    title: state.title,
    date,
    language: state.language,
    synthesizer: state.proposal!.synthesizer,
    template: state.proposal!.template,
    analysts: Object.values(state.analysts).filter((a) => a.status === 'done').map((a) => a.id),
    sources: { L0: count('L0'), L1: count('L1'), L2: count('L2') },
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
  const system = [
    { text: sharedPrefix(ctx), cache: true },
    {
      text: ctx.library.render('fulltext', {
        language_name: outputLanguageName(s),
        template_name: template.name,
        template_sections: templateSections(template),
        target_words: String(template.targetWords),
        outline: currentOutline(s),
        citation_map: citationMapText(s),
        source_registry: sourceRegistryText(s.sources),
        integration: s.integration ?? '',
        output_rules: ctx.library.render('output-rules', { language_name: outputLanguageName(s) }),
      }),
    },
  ];
  let messages: ModelMessage[] = [{ role: 'user', content: 'Write the full document now.' }];
  let maxTokens = Math.max(8000, Math.ceil(template.targetWords * 2.5));
  let body: string | null = null;
  let lastError = '';
  // An outline of several sections is written section by section, in parallel (sections.ts).
  const plan = planSections(currentOutline(s), template, s.citationMap);
  if (ctx.settings.sectionWriting && plan.sections.length > 1) body = await writeSections(ctx, template, plan);
  for (let attempt = 1; body === null && attempt <= ctx.settings.validationAttempts; attempt++) {
    const call = await ctx.call({ key: `fulltext:${attempt}`, step: 'fulltext', label: 'fulltext', system, messages, maxTokens, stream: true });
    try {
      body = validateFullText(stripOuterFence(call.text), call.stopReason, s.sources, s.factual);
      break;
    } catch (err) {
      lastError = errorMessage(err);
      ctx.record('fulltext', 'retry', lastError);
      ctx.runLog.gate({ step: 'fulltext', gate: 'full-text', passed: false, detail: lastError });
      if (call.stopReason === 'max_tokens') maxTokens = Math.min(maxTokens * 2, 64000);
      messages = [
        messages[0],
        { role: 'assistant', content: call.text },
        { role: 'user', content: `Your document could not be accepted: ${lastError} Write the complete document again.` },
      ];
    }
  }
  if (body === null) throw new GateError('fulltext', 'full-text', `The full text failed its checks: ${lastError}`);

  const l = documentLabels(s.language);
  // Raw HTML, images and non-web links in the model's prose never reach the document.
  const { body: numbered, sourcesSection, cited } = numberCitations(neutralizeMarkdown(body), s.sources, s.language, s.outputFolder);
  const banner = [s.demo ? l.demoBanner : '', s.partialResults ? l.partialBanner : ''].filter(Boolean).join('\n\n');
  // The banners go under the title, whether the body brings its own title or not.
  const titled = /^#\s[^\n]*/.exec(numbered.trim());
  const heading = titled ? titled[0] : `# ${escapeInline(s.title)}`;
  const rest = titled ? numbered.trim().slice(titled[0].length).trim() : numbered.trim();
  const content = [heading, banner, rest, sourcesSection].filter(Boolean).join('\n\n');
  const frontmatter = buildFrontmatter(s, cited, ctx.today());
  const markdown = renderFrontmatter(frontmatter as unknown as Record<string, unknown>, content) + '\n';
  ctx.runLog.gate({ step: 'fulltext', gate: 'frontmatter', passed: true, detail: `${cited.length} source(s) cited` });

  const file = `${s.outputFolder}/${slugify(s.title, 60)}.md`;
  let written: string | undefined;
  try {
    written = await ctx.workspace.writeDocument(file, markdown, 'final');
  } catch (err) {
    // The text is kept in the state, so nothing is lost: the person can save it once fixed.
    s.errors.push({ at: ctx.now(), step: 'fulltext', message: `The final document could not be saved: ${errorMessage(err)}` });
    s.finalDocument = { markdown, frontmatter: frontmatter as unknown as Record<string, unknown> };
    await ctx.checkpoint();
    throw new Error(`The final document could not be saved to ${file}: ${errorMessage(err)} Its text is kept; resume to save it again.`);
  }
  s.finalDocument = { path: written, markdown, frontmatter: frontmatter as unknown as Record<string, unknown> };
  ctx.emit({ type: 'document', kind: 'final', path: written });
  ctx.record('fulltext', 'gate-pass', `${cited.length} source(s) cited`);
}
