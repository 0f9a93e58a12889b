/**
 * Offline demo mode: a LanguageModel and a WebSearch that answer with canned, clearly
 * illustrative content, so that a newcomer without an API key can walk through every step.
 * The answers follow the formats the workflow expects, derived from the request itself
 * (the task tag, the catalogs and the registry the core puts in the prompt).
 *
 * `demoAnswer` is also what the fake Anthropic server of the tests answers with.
 */
import type { LanguageModel, ModelCallOptions, ModelRequest, ModelResponse, SearchResult, WebSearch } from '../core/ports';
import { CancelledError } from '../core/errors';

export interface DemoRequest {
  step: string;
  label: string;
  system: string;
  user: string;
}

const TASK_TAG = /<!-- task: ([a-z]+)\/(\S+) -->/;

/** Reads the task tag the core puts at the start of the last user message. */
export function taskOf(text: string): { step: string; label: string } | null {
  const m = TASK_TAG.exec(text);
  return m ? { step: m[1], label: m[2] } : null;
}

function ids(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(pattern)].map((m) => m[1]))];
}

/** The output language the shared context asks for ("... for the reader in Italian"). */
function italian(req: DemoRequest): boolean {
  const m = /for the reader in ([A-Z][a-z]+)/.exec(req.system) ?? /^#* ?language_name\n([A-Z][a-z]+)$/m.exec(req.system);
  return m?.[1] === 'Italian';
}

function json(value: unknown): string {
  return '```json\n' + JSON.stringify(value, null, 2) + '\n```';
}

function sectionTitles(system: string): string[] {
  const titles = [...system.matchAll(/^\d+\. ([^(:\n]+?)(?: \(about \d+ words\))?:/gm)].map((m) => m[1].trim());
  return titles.length ? titles.slice(0, 8) : ['Context', 'Analysis', 'Options', 'Recommendation'];
}

/** The text inside `<tag>…</tag>` in the prompt, or the whole prompt when there is no such tag. */
function tagged(system: string, tag: string): string {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(system);
  return m ? m[1] : system;
}

function outlinePoints(system: string): string[] {
  return [...tagged(system, 'outline').matchAll(/^## (.+)$/gm)]
    .map((m) => m[1].trim())
    .filter((t) => !/^(Sources|Fonti)$/.test(t));
}

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .split(/[^a-z]+/)
      .filter((w) => w.length >= 4)
      .map((w) => w.slice(0, 6)),
  );
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

function analystAnswer(req: DemoRequest, id: string): string {
  const it = italian(req);
  const required = /must also include: ([a-z0-9_, ]+)\./.exec(req.user)?.[1].split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const extra = required.map((f) => `${f}:\n  - "${it ? 'Valore illustrativo (demo)' : 'Illustrative value (demo)'}"`).join('\n');
  return [
    '---',
    `analyst: ${id}`,
    'key_findings:',
    `  - "${it ? `Risultato illustrativo dell'analista ${id} (modalità demo)` : `Illustrative finding of the ${id} analyst (demo mode)`}"`,
    `  - "${it ? 'Un secondo punto, da verificare con fonti reali' : 'A second point, to be checked against real sources'}"`,
    'confidence: low',
    'sources:',
    `  - title: "${it ? 'Fonte illustrativa' : 'Illustrative source'} (demo) — ${id}"`,
    `    url: "https://example.com/demo/${id}"`,
    'assumptions:',
    `  - "${it ? 'Nessun dato reale è stato usato' : 'No real data was used'}"`,
    'open_questions:',
    `  - "${it ? 'Quali dati reali confermerebbero questi risultati?' : 'Which real data would confirm these findings?'}"`,
    ...(extra ? [extra] : []),
    '---',
    '',
    it
      ? `In modalità demo questa analisi (${id}) mostra la struttura di un output reale: risultati chiave, livello di fiducia, fonti, ipotesi e domande aperte. Con una chiave API, qui comparirebbe l'analisi del problema.`
      : `In demo mode this ${id} analysis shows the shape of a real output: key findings, a confidence level, sources, assumptions and open questions. With an API key, the analysis of your problem would appear here.`,
    '',
  ].join('\n');
}

/** The canned answer for one request. */
export function demoAnswer(req: DemoRequest): string {
  const it = italian(req);
  const label = req.label;
  switch (req.step) {
    case 'parse':
    case 'clarify': {
      const synths = rankSynthesizers(req.system);
      if (label === 'clarify') {
        return json({
          questions: [
            { id: 'q1', question: it ? 'La decisione riguarda soprattutto se entrare in un mercato o come competere?' : 'Is the decision mainly about whether to enter a market, or about how to compete?' },
            { id: 'q2', question: it ? 'Entro quando serve la decisione e con quale budget?' : 'By when is the decision needed, and with what budget?' },
          ],
        });
      }
      const [a, b, ...rest] = synths;
      const rescore = label === 'rescore';
      return json({
        synthesizers: [
          ...(a ? [{ id: a, score: rescore ? 0.84 : 0.74, reason: it ? 'Corrisponde meglio al problema (demo)' : 'Fits the problem best (demo)' }] : []),
          ...(b ? [{ id: b, score: rescore ? 0.52 : 0.68, reason: it ? 'Alternativa plausibile (demo)' : 'A plausible alternative (demo)' }] : []),
          ...rest.slice(0, 2).map((id) => ({ id, score: 0.3, reason: 'demo' })),
        ],
        factual: true,
      });
    }
    case 'sources':
      return json({ need: 'medium', rationale: it ? 'Demo: fonti recenti sarebbero utili ma non indispensabili.' : 'Demo: recent sources would help but are not essential.' });
    case 'propose':
      return json({ analysts: [], rationale: it ? "Demo: si propongono gli analisti predefiniti del sintetizzatore." : "Demo: the synthesizer's default analysts are proposed." });
    case 'analysts':
      return analystAnswer(req, label.replace(/^analyst:/, ''));
    case 'integrate': {
      const analysts = ids(req.system, /<analyst id="([a-z0-9-]+)">/g);
      const lines = analysts.map((id) =>
        it
          ? `- L'analista ${id} segnala un risultato illustrativo [Source: analyst-${id}].`
          : `- The ${id} analyst reports an illustrative finding [Source: analyst-${id}].`,
      );
      return `${it ? '## Sintesi integrata (demo)' : '## Integrated synthesis (demo)'}\n\n${lines.join('\n')}\n\n${
        it ? 'I risultati convergono su una raccomandazione prudente, da verificare con dati reali.' : 'The findings converge on a cautious recommendation, to be checked against real data.'
      }\n`;
    }
    case 'outline': {
      const sections = sectionTitles(req.system);
      return sections.map((t) => `## ${t}\n- ${it ? 'Punto principale (demo)' : 'Main point (demo)'}\n- ${it ? 'Evidenze a supporto' : 'Supporting evidence'}`).join('\n\n') + '\n';
    }
    case 'citations': {
      const registry = ids(req.system, /^- \[(S\d+)\]/gm);
      // A context document is cited by a passage of it (its first one), other sources whole.
      const passages = ids(req.system, /<passage id="(S\d+\.\d+)" location=/g);
      const firstPassage = new Map<string, string>();
      for (const p of passages) if (!firstPassage.has(p.split('.')[0])) firstPassage.set(p.split('.')[0], p);
      const pool = registry.map((id) => firstPassage.get(id) ?? id);
      const points = outlinePoints(req.system);
      // Every source is cited by some point: point i takes sources i, i + points, i + 2·points, ...
      const citations = pool.length
        ? points.map((point, i) => ({ point, sourceIds: pool.filter((_, j) => j % points.length === i || (pool.length < points.length && j === i % pool.length)) }))
        : [];
      const gaps = points.length ? [{ point: points[0], query: it ? 'dimensione del mercato tendenze recenti' : 'market size recent trends' }] : [];
      return json({ citations, gaps, factual: true });
    }
    case 'fulltext': {
      const map = [...tagged(req.system, 'citation_map').matchAll(/^- (.+?): ((?:\[S\d+(?:\.\d+)?\])+)$/gm)].map((m) => ({ point: m[1], cites: m[2] }));
      const points = map.length ? map : outlinePoints(req.system).map((p) => ({ point: p, cites: '' }));
      const body = points
        .map(({ point, cites }) =>
          `## ${point}\n\n${
            it
              ? `Questo paragrafo illustrativo mostra come il testo finale sviluppa il punto dello schema, con le citazioni intrecciate nel testo ${cites}. In un'analisi reale qui comparirebbero dati, argomenti e implicazioni per la decisione.`
              : `This illustrative paragraph shows how the final text develops the outline point, with citations woven into the prose ${cites}. In a real analysis, data, arguments and implications for the decision would appear here.`
          }`.replace(/ \./g, '.'),
        )
        .join('\n\n');
      return body + '\n';
    }
    default:
      return it ? 'Risposta demo.' : 'Demo answer.';
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
    const text = demoAnswer({ step: request.step, label: request.label, system, user: lastUser });
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
    };
  }
}

export class DemoSearch implements WebSearch {
  readonly demo = true;
  async search(query: string): Promise<{ results: SearchResult[]; costUsd: number }> {
    const slug = query.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'query';
    return {
      results: [1, 2].map((n) => ({
        url: `https://example.com/demo/search/${slug}/${n}`,
        title: `Illustrative web result ${n} (demo): ${query}`,
        highlights: ['Illustrative excerpt: no real web search was made in demo mode.'],
      })),
      costUsd: 0,
    };
  }
}
