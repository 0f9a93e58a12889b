/**
 * Formats state for prompts: catalogs, the shared (cached) prefix, analyst outputs, the source
 * registry, the citation map. Must not: call models or change the state.
 *
 * Catalog lines have the shape "- `id` — Name: description" so that ids are unambiguous.
 */
import type { RunContext } from './context';
import { languageName } from './language';
import type { AnalystDef, SynthesizerDef, TemplateDef } from './library';
import type { Source, WorkflowState } from './state';

export function synthesizerCatalog(list: SynthesizerDef[]): string {
  return list
    .map((s) => `- \`${s.id}\` — ${s.name}: ${s.description}\n  When to use: ${s.whenToUse}\n  When not to use: ${s.whenNotToUse}`)
    .join('\n');
}

export function templateCatalog(list: TemplateDef[]): string {
  return list.map((t) => `- \`${t.id}\` — ${t.name}: ${t.description} (about ${t.targetWords} words)`).join('\n');
}

export function analystCatalog(list: AnalystDef[]): string {
  return list.map((a) => `- \`${a.id}\` — ${a.name}: ${a.description}`).join('\n');
}

export function templateSections(t: TemplateDef): string {
  const sections = t.sections
    .map((s, i) => `${i + 1}. ${s.title}${s.words ? ` (about ${s.words} words)` : ''}: ${s.guidance}`)
    .join('\n');
  return t.guidance.trim() ? `${sections}\n\n${t.guidance.trim()}` : sections;
}

export function contextDocumentsText(state: WorkflowState): string {
  if (state.contextDocuments.length === 0) return '(none)';
  return state.contextDocuments
    .map((d) => {
      const id = d.sourceId ? ` [${d.sourceId}]` : '';
      const cut = d.truncated ? '\n\n(The document was truncated to fit.)' : '';
      return `<document title="${d.title.replace(/"/g, "'")}"${d.sourceId ? ` source="${d.sourceId}"` : ''}>\n## ${d.title}${id}\n\n${d.text}${cut}\n</document>`;
    })
    .join('\n\n');
}

export function clarificationsText(state: WorkflowState): string {
  const answered = state.clarifications.filter((c) => c.answer.trim());
  if (answered.length === 0) return '(none)';
  return answered.map((c) => `- Q: ${c.question}\n  A: ${c.answer}`).join('\n');
}

export function outputLanguageName(state: WorkflowState): string {
  return languageName(state.language);
}

/** The shared prefix of every call: instructions, problem, context documents (cached block). */
export function sharedPrefix(ctx: RunContext): string {
  const s = ctx.state;
  return ctx.library.render('shared-context', {
    problem: s.problem,
    language_name: outputLanguageName(s),
    today: ctx.today(),
    context_documents: contextDocumentsText(s),
    clarifications: clarificationsText(s),
  });
}

export function analystOutputsText(state: WorkflowState): string {
  return Object.values(state.analysts)
    .filter((a) => a.status === 'done' && a.frontmatter && a.body)
    .map((a) => {
      const fm = a.frontmatter!;
      const sources = fm.sources.length
        ? fm.sources.map((s) => `  - ${s.title}${s.url ? ` <${s.url}>` : ''}${s.document ? ` (document: ${s.document})` : ''}`).join('\n')
        : '  - (none named)';
      return [
        `<analyst id="${a.id}">`,
        `Analyst: ${a.id} (confidence: ${fm.confidence})`,
        `Key findings:\n${fm.key_findings.map((k) => `  - ${k}`).join('\n')}`,
        `Sources:\n${sources}`,
        fm.assumptions.length ? `Assumptions:\n${fm.assumptions.map((k) => `  - ${k}`).join('\n')}` : '',
        fm.open_questions.length ? `Open questions:\n${fm.open_questions.map((k) => `  - ${k}`).join('\n')}` : '',
        '',
        a.body,
        '</analyst>',
      ]
        .filter((l) => l !== '')
        .join('\n');
    })
    .join('\n\n');
}

export function sourceLine(s: Source): string {
  const where = s.url ? ` <${s.url}>` : s.documentRef ? ` (context document: ${s.documentRef})` : '';
  const who = s.level === 'L1' && s.analyst ? `, named by the ${s.analyst} analyst` : '';
  const when = s.publishedDate ? `, ${s.publishedDate.slice(0, 10)}` : '';
  const excerpt = s.excerpt ? `\n  Excerpt: ${s.excerpt.replace(/\s+/g, ' ').slice(0, 400)}` : '';
  return `- [${s.id}] (${s.level}${who}${when}) ${s.title}${where}${excerpt}`;
}

export function sourceRegistryText(sources: Source[]): string {
  return sources.length ? sources.map(sourceLine).join('\n') : '(no sources)';
}

export function citationMapText(state: WorkflowState): string {
  return state.citationMap.length
    ? state.citationMap.map((c) => `- ${c.point}: ${c.sourceIds.map((id) => `[${id}]`).join('')}`).join('\n')
    : '(empty)';
}

export function currentOutline(state: WorkflowState): string {
  return state.outline.length ? state.outline[state.outline.length - 1].text : '';
}
