/**
 * Offline demo mode: a LanguageModel and a WebSearch that answer with the worked example — one
 * complete analysis of the sample workspace's problem (Verdello and the German market), in
 * English or Italian — read from media/demo/ (workedExample.ts). The answers follow the
 * formats the workflow expects and the request itself: the catalogs, the approved outline, the
 * citation map and the source registry the core puts in the prompt. Web results are clearly
 * labelled fictional. The controller offers the worked example before a demo run on any other
 * problem.
 *
 * `demoAnswer` is also what the fake Anthropic server of the tests answers with.
 */
import type { LanguageModel, ModelCallOptions, ModelCitation, ModelRequest, ModelResponse, SearchResult, WebSearch } from '../core/ports';
import { attachedIds, demoCitedBlocks, sentenceHolding, type DemoBlock, type DemoCitation, type DemoDocument } from './demoCitations';
import { CancelledError } from '../core/errors';
import { detectLanguage } from '../core/language';
import { citeId, passageEntries, registryEntries, resolveCitations, workedExample, type CitationContext, type WorkedExample } from './workedExample';

export interface DemoRequest {
  step: string;
  label: string;
  system: string;
  user: string;
  /** The citable documents attached to the request, in order (see demoCitations.ts). */
  documents?: DemoDocument[];
}

export type { DemoBlock, DemoCitation, DemoDocument };

/** The canned answer as text blocks citing the attached documents (the analysts and the full text). */
export function demoBlocks(req: DemoRequest): DemoBlock[] {
  if (req.step === 'fulltext') {
    const { text, quotes } = /^section:\d+$/.test(req.label) ? sectionAnswer(req, example(req)) : fulltextAnswer(req, example(req));
    return demoCitedBlocks(req, text, italian(req), quotes);
  }
  return demoCitedBlocks(req, demoAnswer(req), italian(req));
}

const TASK_TAG = /<!-- task: ([a-z]+)\/(\S+) -->/;

/** Reads the task tag the core puts at the start of the last user message. */
export function taskOf(text: string): { step: string; label: string } | null {
  const m = TASK_TAG.exec(text);
  return m ? { step: m[1], label: m[2] } : null;
}

/** The output language the shared context asks for ("... for the reader in Italian"). */
function italian(req: DemoRequest): boolean {
  const m = /for the reader in ([A-Z][a-z]+)/.exec(req.system) ?? /^#* ?language_name\n([A-Z][a-z]+)$/m.exec(req.system);
  return m?.[1] === 'Italian';
}

function example(req: DemoRequest): WorkedExample {
  return workedExample(italian(req) ? 'it' : 'en');
}

function json(value: unknown): string {
  return '```json\n' + JSON.stringify(value, null, 2) + '\n```';
}

/** The text inside `<tag>…</tag>` in the prompt, or the whole prompt when there is no such tag. */
function tagged(system: string, tag: string): string {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(system);
  return m ? m[1] : system;
}

function outlineSections(system: string, tag = 'outline'): Array<{ heading: string; points: string[] }> {
  const out: Array<{ heading: string; points: string[] }> = [];
  for (const line of tagged(system, tag).split('\n')) {
    // The citations step shows the outline with point ids (`## [P2] Heading`, `- [P2.1] …`).
    const h = /^## (?:\[P\d+\] )?(.+)$/.exec(line);
    if (h) {
      if (!/^(Sources|Fonti)$/.test(h[1].trim())) out.push({ heading: h[1].trim(), points: [] });
      continue;
    }
    const p = /^\s*[-*] (?:\[P\d+\.\d+\] )?(.+)$/.exec(line);
    if (p && out.length) out[out.length - 1].points.push(p[1].trim());
  }
  return out;
}

function normalise(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
}

function words(text: string): Set<string> {
  return new Set(normalise(text).split(' ').filter((w) => w.length >= 4).map((w) => w.slice(0, 6)));
}

/** Synthesizer ids of the catalog, the ones whose description shares most words with the problem first. */
function rankSynthesizers(system: string): string[] {
  const problem = words(tagged(system, 'problem'));
  const lines = system.split('\n');
  const scored: Array<{ id: string; score: number; order: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^- `([a-z0-9-]+)` — /.exec(lines[i]);
    if (!m || !/^\s+When to use:/.test(lines[i + 1] ?? '')) continue;
    const entry = words(`${m[1].replace(/-/g, ' ')} ${lines[i]} ${lines[i + 1]}`);
    const score = [...entry].filter((w) => problem.has(w)).length;
    scored.push({ id: m[1], score, order: scored.length });
  }
  return scored.sort((a, b) => b.score - a.score || a.order - b.order).map((x) => x.id);
}

function parseAnswer(req: DemoRequest): string {
  // The run's language is not decided yet: the problem's own language picks the example.
  const ex = workedExample(detectLanguage(tagged(req.system, 'problem')).code === 'it' ? 'it' : 'en');
  const catalog = rankSynthesizers(req.system);
  const known = ex.synthesizers.filter((s) => catalog.includes(s.id));
  const rest = catalog.filter((id) => !known.some((k) => k.id === id)).slice(0, Math.max(0, 3 - known.length));
  const rescore = req.label === 'rescore';
  const synthesizers = [
    // After the clarification the first framework pulls ahead (the example's scores are close on purpose).
    ...known.map((s, i) => ({ ...s, score: rescore ? (i === 0 ? Math.min(0.95, s.score + 0.12) : Math.max(0.1, s.score - 0.12)) : s.score })),
    ...rest.map((id, i) => ({ id, score: Math.max(0.2, 0.45 - i * 0.1), reason: 'demo' })),
  ];
  return json({ title: ex.title, synthesizers, template: ex.template, factual: true });
}

/** The worked example's answer of an analyst, or a short one for an analyst the example does not have. */
function analystAnswer(req: DemoRequest, ex: WorkedExample, id: string): string {
  const it = italian(req);
  const required = /must also include: ([a-z0-9_, ]+)\./.exec(req.user)?.[1].split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  let text = ex.analysts.get(id);
  if (!text) {
    text = [
      '---',
      `analyst: ${id}`,
      'key_findings:',
      `  - "${it ? `L'esempio svolto non ha un'analisi ${id}: in modalità demo questo analista non aggiunge risultati propri.` : `The worked example has no ${id} analysis: in demo mode this analyst adds no findings of its own.`}"`,
      'confidence: low',
      // The sample workspace's own documents, so that the run keeps sources to cite.
      'sources:',
      `  - title: "${it ? 'Memo per il consiglio di Verdello — ottobre 2026' : 'Verdello board memo — October 2026'}"`,
      '    document: board-memo-2026.md',
      'assumptions: []',
      'open_questions:',
      `  - "${it ? 'Con una chiave API, cosa direbbe questo analista sul problema?' : 'With an API key, what would this analyst say about the problem?'}"`,
      '---',
      '',
      it
        ? `La modalità demo mostra un solo esempio svolto, con gli analisti di mercato, concorrenza, clienti, normativa e finanza. L'analista ${id} non ne fa parte.`
        : `Demo mode shows one worked example, with the market, competition, customer, regulatory and financial analysts. The ${id} analyst is not part of it.`,
      '',
    ].join('\n');
  }
  const missing = required.filter((f) => !new RegExp(`^${f}:`, 'm').test(text!));
  if (missing.length) {
    const extra = missing.map((f) => `${f}:\n  - "${it ? "Non coperto dall'esempio svolto (demo)" : 'Not covered by the worked example (demo)'}"`).join('\n');
    text = text.replace(/\n---\n/, `\n${extra}\n---\n`);
  }
  return text;
}

/**
 * The registry and the passages of a prompt: those listed in its text, and those of the
 * documents attached to it (numbered by block, as demoCitations.ts reads `[S3.n]` back).
 */
function citationContext(req: DemoRequest): CitationContext {
  const passages = passageEntries(req.system);
  const docs = req.documents ?? [];
  for (const [id, d] of attachedIds(req.system, docs)) {
    if (passages.has(id)) continue;
    passages.set(id, docs[d].passages.map((text, i) => ({ id: `${id}.${i + 1}`, text: text.replace(/\s+/g, ' ').toLowerCase() })));
  }
  return { registry: registryEntries(tagged(req.system, 'source_registry')), passages };
}

/** The sentence of an attached passage (`S3.2`) that holds `phrase`, from the request's documents. */
function attachedSentence(req: DemoRequest, id: string, phrase: string): string | undefined {
  const [source, n] = id.split('.');
  const docs = req.documents ?? [];
  const d = attachedIds(req.system, docs).get(source);
  const passage = d === undefined ? undefined : docs[d].passages[n ? Number(n) - 1 : 0];
  return passage ? sentenceHolding(passage, phrase) : undefined;
}

function citationsAnswer(req: DemoRequest, ex: WorkedExample): string {
  const cc = citationContext(req);
  const registry = cc.registry;
  // A group of the outline's sections mapped on its own names them in its own instructions.
  const group = req.user.includes('<part_points>') ? outlineSections(req.user, 'part_points') : null;
  const firstGroup = !group || /group 1 of \d+/.test(req.user);
  const points = (group ?? outlineSections(req.system)).map((s) => s.heading);
  const planned = points.map((point) => {
    const plan = ex.citations.find((c) => normalise(point).includes(normalise(c.point)));
    return [...new Set((plan?.sources ?? []).map((k) => citeId(cc, k)).filter((x): x is string => !!x))];
  });
  // Every registered source is cited by some point: the ones the example does not plan for
  // (documents of another workspace, more briefing entries) are spread over the points (of the
  // first group, when the sections are mapped in groups).
  const used = new Set(planned.flat().map((id) => id.split('.')[0]));
  const others = registry.filter((r) => !used.has(r.id)).map((r) => citeId(cc, r.text) ?? r.id);
  if (firstGroup) others.forEach((id, k) => points.length && planned[k % points.length].push(id));
  const citations = points.flatMap((point, i) => (planned[i].length ? [{ point, sourceIds: planned[i] }] : []));
  const gaps = ex.gaps.filter((g) => points.some((p) => normalise(p).includes(normalise(g.point)))).map((g) => ({
    point: points.find((p) => normalise(p).includes(normalise(g.point)))!,
    query: g.query,
  }));
  return json({ citations, gaps, factual: true });
}

/** The quotes a text's citations of attached passages point at: per citation id, one per citation, in order (none: no phrase). */
type QuoteQueues = Map<string, Array<string | undefined>>;

/** The full text, and per section (by heading) the quotes its citations point at. */
function fulltextAnswer(req: DemoRequest, ex: WorkedExample): { text: string; quotes: QuoteQueues; bySection: Map<string, QuoteQueues> } {
  const it = italian(req);
  const cc = citationContext(req);
  const quotes: QuoteQueues = new Map();
  const bySection = new Map<string, QuoteQueues>();
  const citing = (own: QuoteQueues) => (id: string, phrase?: string) => {
    const quote = phrase ? attachedSentence(req, id, phrase) : undefined;
    for (const q of [own, quotes]) q.set(id, [...(q.get(id) ?? []), quote]);
  };
  const registry = cc.registry;
  const map = [...tagged(req.system, 'citation_map').matchAll(/^- (.+?): ((?:\[S\d+(?:\.\d+)?\])+)$/gm)].map((m) => ({ point: m[1], cites: m[2] }));
  const outline = outlineSections(req.system);
  const sections = outline.length ? outline : ex.sections.map((s) => ({ heading: s.heading, points: [] }));
  let resolvedAny = 0;
  const body = sections.map(({ heading, points }) => {
    const written = ex.sections.find((s) => normalise(s.heading) === normalise(heading));
    const cites = map.find((m) => m.point === heading)?.cites ?? '';
    if (written) {
      const own: QuoteQueues = new Map();
      bySection.set(heading, own);
      const { text, resolved } = resolveCitations(written.text, cc, citing(own));
      resolvedAny += resolved;
      // Sources the citation map gives this section and the example's text does not cite yet
      // close its first paragraph.
      const missing = (cites.match(/\[S\d+(?:\.\d+)?\]/g) ?? []).filter((c) => !text.includes(c.slice(0, -1).split('.')[0]));
      const withMap = missing.length ? text.replace(/^(.+?)(\n\n|$)/s, (_m, first: string, end: string) => `${first} ${missing.join('')}${end}`) : text;
      return `## ${heading}\n\n${withMap}`;
    }
    // A section the person added to the outline: the demo can only restate its points.
    const note = it
      ? `_Questa sezione non fa parte dell'esempio svolto: in modalità demo ne sono riportati solo i punti dello schema._`
      : `_This section is not part of the worked example: in demo mode only its outline points are shown._`;
    const list = points.length ? points.map((p) => `- ${p}`).join('\n') : '';
    return `## ${heading}\n\n${note}${cites ? ` ${cites}` : ''}${list ? `\n\n${list}` : ''}`;
  });
  let text = body.join('\n\n');
  if (!resolvedAny && !/\[S\d+/.test(text) && registry.length) text = text.replace(/\n\n/, ` [${citeId(cc, registry[0].text) ?? registry[0].id}]\n\n`);
  return { text: text + '\n', quotes, bySection };
}

/**
 * One section of the final document, written on its own: the worked example's text for that
 * section (as the whole document would have it), citing the sources of the section's evidence
 * (`Sources: [S1][S2]` lines of its instructions) when the text cites none.
 */
function sectionAnswer(req: DemoRequest, ex: WorkedExample): { text: string; quotes: QuoteQueues } {
  const heading = /section \d+ of \d+, "(.+?)", now/.exec(req.user)?.[1] ?? '';
  const prompt = `${req.system}\n${req.user}`;
  const own = [...new Set([...prompt.matchAll(/^ {2}Sources: ((?:\[S\d+(?:\.\d+)?\])+)$/gm)].flatMap((m) => [...m[1].matchAll(/S\d+(?:\.\d+)?/g)].map((x) => x[0])))];
  const whole = fulltextAnswer(req, ex);
  const parts = whole.text.split(/^## /m);
  const part = parts.find((p) => p.split('\n')[0].trim() === heading);
  let text = part ? part.slice(part.indexOf('\n') + 1).trim() : '';
  if (!text) {
    text = italian(req)
      ? `Questo paragrafo illustrativo mostra come la sezione «${heading}» sviluppa i suoi punti dello schema.`
      : `This illustrative paragraph shows how the section "${heading}" develops its outline points.`;
  }
  // The example's own text keeps its own citations; a section that cites nothing cites its evidence.
  if (own.length && !/\[S\d+/.test(text)) text = text.replace(/^(.+?)(\n\n|$)/s, (_m, first: string, end: string) => `${first} ${own.map((id) => `[${id}]`).join('')}${end}`);
  return { text: `${text}\n`, quotes: whole.bySection.get(heading) ?? new Map() };
}

/**
 * The integration, or one part of it when it is written in parts: the worked example's
 * synthesis is its closing part; the other parts say which step of the method they stand for.
 */
function integrationAnswer(req: DemoRequest, ex: WorkedExample): string {
  if (!/^integration:part:\d+$/.test(req.label)) return ex.integration;
  const step = /<part_steps>\n## (.+)/.exec(req.user)?.[1]?.trim() ?? '';
  return italian(req)
    ? `## ${step}\n\nQuesta parte illustrativa mostra dove l'integrazione applica il passo «${step}» del metodo ai risultati degli analisti; la sintesi dell'esempio è nella parte conclusiva.\n`
    : `## ${step}\n\nThis illustrative part shows where the integration applies the method's step "${step}" to the analysts' findings; the worked example's synthesis is in the closing part.\n`;
}

/** The canned answer for one request. */
export function demoAnswer(req: DemoRequest): string {
  const ex = example(req);
  switch (req.step) {
    case 'parse':
    case 'clarify':
      if (req.label === 'clarify') return json({ questions: ex.clarify });
      return parseAnswer(req);
    case 'sources':
      return json(ex.sourceNeed);
    case 'propose':
      return json({ analysts: [], rationale: ex.proposal.rationale });
    case 'analysts':
      return analystAnswer(req, ex, req.label.replace(/^analyst:/, ''));
    case 'integrate':
      return integrationAnswer(req, ex);
    case 'outline':
      return ex.outline;
    case 'citations':
      return citationsAnswer(req, ex);
    case 'fulltext':
      // A section written on its own (the document written by sections), or the whole document.
      return (/^section:\d+$/.test(req.label) ? sectionAnswer(req, ex) : fulltextAnswer(req, ex)).text;
    default:
      return italian(req) ? 'Risposta demo.' : 'Demo answer.';
  }
}

export interface DemoModelOptions {
  /** Delay between streamed chunks, to make the demo feel alive (0 in tests). */
  chunkDelayMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new CancelledError());
      },
      { once: true },
    );
  });
}

export class DemoModel implements LanguageModel {
  readonly demo = true;
  constructor(private readonly options: DemoModelOptions = {}) {}

  async complete(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const started = Date.now();
    const system = request.system.map((b) => b.text).join('\n\n');
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const documents = (request.documents ?? []).map((d) => ({ kind: d.kind, title: d.title, passages: d.passages }));
    const blocks = demoBlocks({ step: request.step, label: request.label, system, user: lastUser, documents });
    const text = blocks.map((b) => b.text).join('');
    const delay = this.options.chunkDelayMs ?? 0;
    for (let i = 0; i < text.length; i += 48) {
      if (options.signal?.aborted) throw new CancelledError();
      options.onText?.(text.slice(i, i + 48));
      if (delay > 0) await sleep(delay, options.signal);
    }
    const input = system.length + request.messages.reduce((n, m) => n + m.content.length, 0);
    return {
      text,
      stopReason: 'end_turn',
      usage: { inputTokens: Math.ceil(input / 4), outputTokens: Math.ceil(text.length / 4), cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      model: 'demo',
      durationMs: Date.now() - started,
      ...(request.documents?.length ? { blocks: blocks.map((b) => ({ text: b.text, citations: (b.citations ?? []).map(toModelCitation) })) } : {}),
    };
  }
}

export class DemoSearch implements WebSearch {
  readonly demo = true;
  async search(query: string): Promise<{ results: SearchResult[]; costUsd: number }> {
    const q = normalise(query);
    const italianQuery = /\b(della|delle|dei|nel|nei|prezzi|forni|panifici)\b/.test(q);
    const ex = workedExample(italianQuery ? 'it' : 'en');
    const planned = ex.searches.find((s) => s.match.every((w) => q.includes(normalise(w))));
    const results = planned?.results ?? [
      {
        title: `[Fictional demo result] ${query}`,
        url: `https://example.com/fictional/${q.replace(/ /g, '-').slice(0, 40) || 'query'}`,
        highlight: 'Fictional demo text: demo mode makes no web search; this result only shows where one would appear.',
      },
    ];
    return {
      results: results.map((r) => ({ url: r.url, title: r.title, highlights: [r.highlight], ...(r.publishedDate ? { publishedDate: String(r.publishedDate) } : {}) })),
      costUsd: 0,
    };
  }
}

/** A demo citation as the provider would report it. */
function toModelCitation(c: DemoCitation): ModelCitation {
  return {
    type: c.kind === 'document' ? 'content_block_location' : 'search_result_location',
    citedText: c.quote,
    index: c.index,
    start: c.start,
    end: c.end,
  };
}
