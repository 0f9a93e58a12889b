/**
 * Formats state for prompts: catalogs, the shared (cached) prefix, analyst outputs, the source
 * registry, the citation map. Must not: call models or change the state.
 *
 * Catalog lines have the shape "- `id` — Name: description" so that ids are unambiguous.
 */
import type { RunContext } from './context';
import { languageName } from './language';
import type { AnalystDef, StepPromptId, StepPromptVars, SynthesizerDef, TemplateDef } from './library';
import type { SystemBlock } from './ports';
import { locationLabel } from './passages';
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

/** Our own tags inside a document's text are data: they are neutralized so a passage cannot close its element. */
function neutralizeTags(text: string): string {
  return text.replace(/<(\/?)(document|passage|context_documents|analyst_passages)\b/gi, '‹$1$2');
}

function attr(value: string): string {
  return value.replace(/["<>\n]/g, (c) => (c === '"' ? "'" : ' '));
}

/** The passages of a source as `<passage id="S3.14" location="p. 14">` elements. */
export function passagesText(source: Source, numbers?: readonly number[]): string {
  const wanted = numbers ? new Set(numbers) : null;
  return (source.passages ?? [])
    .filter((p) => !wanted || wanted.has(p.n))
    .map((p) => `<passage id="${source.id}.${p.n}" location="${attr(locationLabel(p.location))}">\n${neutralizeTags(p.text)}\n</passage>`)
    .join('\n');
}

function unitsText(d: WorkflowState['contextDocuments'][number]): string {
  if (d.units === undefined) return '';
  const unit = d.format === 'pdf' ? 'pages' : d.format === 'pptx' ? 'slides' : d.format === 'xlsx' || d.format === 'csv' ? 'sheets' : d.format === 'docx' ? 'sections' : 'lines';
  return ` ${unit}="${d.units}"`;
}

/**
 * The context documents as text. With `attached`, the files are not written out: they go with
 * the request as citable documents (citable.ts), and only a line says so.
 */
export function contextDocumentsText(state: WorkflowState, options: { attached?: boolean } = {}): string {
  if (state.contextDocuments.length === 0) return '(none)';
  const attached = options.attached ? state.contextDocuments.filter((d) => d.kind === 'file') : [];
  const inline = state.contextDocuments.filter((d) => !attached.includes(d));
  const note = attached.length
    ? `(${attached.map((d) => `"${d.title.replace(/"/g, "'")}"${d.sourceId ? ` [${d.sourceId}]` : ''}`).join(', ')}: attached to this request as documents, cut into passages you can cite.)`
    : '';
  return [note, ...inline
    .map((d) => {
      const source = d.sourceId ? state.sources.find((x) => x.id === d.sourceId) : undefined;
      const head = `<document title="${attr(d.title)}"${d.sourceId ? ` source="${d.sourceId}"` : ''}${d.format ? ` format="${d.format}"` : ''}${unitsText(d)}>`;
      if (source?.passages?.length) {
        const sent = d.selected ?? source.passages.map((p) => p.n);
        const cut = d.truncated
          ? `\n(${source.passages.length - sent.length} of ${source.passages.length} passages of this document were left out to fit the context budget; those most relevant to the problem are included.)`
          : '';
        return `${head}\n${passagesText(source, sent)}${cut}\n</document>`;
      }
      const id = d.sourceId ? ` [${d.sourceId}]` : '';
      const cut = d.truncated ? '\n\n(The document was truncated to fit.)' : '';
      return `${head}\n## ${d.title}${id}\n\n${neutralizeTags(d.text)}${cut}\n</document>`;
    })]
    .filter(Boolean)
    .join('\n\n');
}

/** The passages chosen for one analyst's focus, beyond the shared context (empty when none). */
export function analystPassagesText(state: WorkflowState, analystId: string): string {
  const refs = state.analystPassages[analystId] ?? [];
  if (refs.length === 0) return '';
  const bySource = new Map<string, number[]>();
  for (const r of refs) bySource.set(r.sourceId, [...(bySource.get(r.sourceId) ?? []), r.n]);
  const parts = [...bySource].map(([id, ns]) => {
    const source = state.sources.find((x) => x.id === id);
    return source ? `<document title="${attr(source.title)}" source="${id}">\n${passagesText(source, ns)}\n</document>` : '';
  });
  return `## More passages for your focus\nPassages of the context documents that were left out of the shared context and bear on your focus. Cite them like the others.\n<analyst_passages>\n${parts.filter(Boolean).join('\n\n')}\n</analyst_passages>`;
}

export function clarificationsText(state: WorkflowState): string {
  const answered = state.clarifications.filter((c) => c.answer.trim());
  if (answered.length === 0) return '(none)';
  return answered.map((c) => `- Q: ${c.question}\n  A: ${c.answer}`).join('\n');
}

export function outputLanguageName(state: WorkflowState): string {
  return languageName(state.language);
}

/**
 * What the prompts say instead of a language name while the language is not decided yet (the
 * parse step, when the setting follows the problem): the model names the language itself.
 */
export const PROBLEM_LANGUAGE = 'the language the problem is written in';

/**
 * The shared prefix of every call: instructions, problem, context documents (cached block).
 * `language` replaces the run's language name (the parse step's PROBLEM_LANGUAGE). The steps
 * that write claims (analysts, full text) pass `attached`: their documents go with the request
 * as citable documents instead (see citable.ts).
 */
export function sharedPrefix(ctx: RunContext, language = outputLanguageName(ctx.state), options: { attached?: boolean } = {}): string {
  const s = ctx.state;
  const documents = memoized(ctx, 'documents', documentInputs(s, options.attached === true), () => contextDocumentsText(s, options));
  const clarifications = clarificationsText(s);
  const today = ctx.today();
  return memoized(ctx, 'prefix', [ctx.library, language, today, s.problem, clarifications, documents], () =>
    ctx.library.render('shared-context', { problem: s.problem, language_name: language, today, context_documents: documents, clarifications }),
  );
}

/**
 * The shared prefix is the same text for most calls of a run and is long (the context
 * documents): it is made once per set of inputs and reused, and the documents' text once per
 * set of documents (an answered clarification changes the prefix, not them). The inputs are
 * compared one by one, strings by value and a document's passages and selection by identity
 * (they are never changed once read; a new reading or selection is a new array).
 */
const memos = new WeakMap<RunContext, Map<string, Array<{ inputs: unknown[]; text: string }>>>();

function memoized(ctx: RunContext, kind: string, inputs: unknown[], make: () => string): string {
  const byKind = memos.get(ctx) ?? new Map<string, Array<{ inputs: unknown[]; text: string }>>();
  memos.set(ctx, byKind);
  const known = byKind.get(kind) ?? [];
  const hit = known.find((m) => m.inputs.length === inputs.length && m.inputs.every((v, i) => v === inputs[i]));
  if (hit) return hit.text;
  const text = make();
  byKind.set(kind, [{ inputs, text }, ...known.slice(0, 3)]);
  return text;
}

function documentInputs(s: WorkflowState, attached: boolean): unknown[] {
  const inputs: unknown[] = [attached, s.contextDocuments.length];
  for (const d of s.contextDocuments) {
    const source = d.sourceId ? s.sources.find((x) => x.id === d.sourceId) : undefined;
    inputs.push(d.kind, d.title, d.sourceId, d.format, d.units, d.truncated, d.text, d.selected, d.selected?.length, source?.passages, source?.passages?.length);
  }
  return inputs;
}

/**
 * The system blocks of a step's call: the shared prefix (cached, see `sharedPrefix`), then the
 * step's prompt rendered with `vars` — cached too with `cacheStepPrompt`, for a prompt that
 * several calls share.
 */
export function stepSystem<K extends StepPromptId>(
  ctx: RunContext,
  prompt: K,
  vars: StepPromptVars[K],
  options: { language?: string; attached?: boolean; cacheStepPrompt?: boolean } = {},
): SystemBlock[] {
  return [
    { text: sharedPrefix(ctx, options.language, { attached: options.attached }), cache: true },
    { text: ctx.library.render(prompt, vars), ...(options.cacheStepPrompt ? { cache: true } : {}) },
  ];
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
  const passages = s.passages?.length ? `; passages ${s.id}.1 to ${s.id}.${s.passages.length}, cite the one that supports a claim` : '';
  const where = s.url ? ` <${s.url}>` : s.documentRef ? ` (context document: ${s.documentRef}${passages})` : '';
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
