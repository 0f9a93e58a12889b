/**
 * The realistic-length scenario of the benchmark: the fake API answers at the lengths the
 * prompts ask for, so that the run's critical path has the shape of a real one.
 *
 * - analysts: about ANALYST_TOKENS output tokens each (the analyst prompt asks for 600 to 1,200
 *   words; 1,500 tokens is about 950 words of this prose);
 * - integration: the middle of the range its prompt asks for ("Typical length: A to B words"), or
 *   when it is written in parts, of the range each part's instructions ask for;
 * - outline: the template's sections as `##` headings, each with the middle of the bullet count
 *   the outline prompt asks for ("write 2 to 6 bullets"), every bullet a full statement;
 * - citation map: one entry per outline point the registry supports, and search queries for as
 *   many gaps as the prompt allows (by groups of sections: each group its own points, and the
 *   gaps its instructions allow);
 * - final document: the words the prompt asks for — the template's target for one call, the
 *   section's words for a section, citing the sources of the section's evidence.
 * Everything else is the demo answer. Every answer still passes the gates of its step.
 *
 * Owns: the realistic answers and the words they are made of. Must not: time anything (the
 * fake server's latency model paces the answers).
 */
import type { AnthropicResponder, AnthropicResponderInput } from '../test/fakes/anthropicServer';
import { citedReply, demoResponder } from '../test/helpers/fakeRun';

/** Output tokens of one analyst answer in this scenario. */
export const ANALYST_TOKENS = 1500;
/** Words of one outline bullet (a full statement, as the outline prompt asks). */
export const OUTLINE_BULLET_WORDS = 20;
/** The template the person chooses in this scenario (the longest bundled one). */
export const REALISTIC_TEMPLATE = 'full-report';

const SUBJECTS = [
  'Demand from machine builders in Bavaria and Baden-Württemberg',
  'Pricing pressure from Asian sensor makers',
  'Certification under the Machinery Regulation',
  'The margin that distributors expect for stocking and service',
  'Lead times for MEMS components',
  'The installed base of legacy fieldbus systems',
  'Energy-efficiency retrofits in mid-sized plants',
  'The procurement cycle of automotive suppliers',
  'Demand for after-sales calibration services',
  'The shift to IO-Link and condition monitoring',
  'Competition from the two incumbent German suppliers',
  'Working capital tied up in local inventory',
];

const PREDICATES = [
  'grows by an estimated {n}% a year over the planning horizon',
  'accounts for roughly {n}% of the addressable volume in the target segment',
  'shortens the sales cycle by about {n} weeks when a local partner is involved',
  'raises the cost of entry by around EUR {n}0,000 in the first year',
  'affects about {n}% of the plants interviewed for the context documents',
  'moves the break-even point by roughly {n} months in the base case',
];

const CONSEQUENCES = [
  'which favours a phased entry through one or two distributors',
  'so the business case should be tested against a slower ramp-up',
  'and the estimate should be checked against a second, independent source',
  'which makes service capability a condition of winning the first accounts',
  'so the pilot should target the segment where the evidence is strongest',
  'and this is where the recommendation is most sensitive to the assumptions',
];

/** `n` words of analysis prose, deterministic in `seed`, citing `cites` now and then. */
export function prose(words: number, seed: number, cites: string[] = []): string {
  const paragraphs: string[] = [];
  let sentences: string[] = [];
  let count = 0;
  for (let i = 0; count < words; i++) {
    const k = seed * 7 + i;
    const figure = ((k * 37) % 27) + 3;
    const cite = cites.length && i % 3 === 0 ? ` [${cites[(k >> 1) % cites.length]}]` : '';
    const sentence =
      `${SUBJECTS[k % SUBJECTS.length]} ${PREDICATES[(k * 5) % PREDICATES.length].replace('{n}', String(figure))}${cite}, ` +
      `${CONSEQUENCES[(k * 3 + seed) % CONSEQUENCES.length]}.`;
    sentences.push(sentence);
    count += sentence.split(/\s+/).length;
    if (sentences.length === 4) {
      paragraphs.push(sentences.join(' '));
      sentences = [];
    }
  }
  if (sentences.length) paragraphs.push(sentences.join(' '));
  return paragraphs.join('\n\n');
}

function textOf(answer: Awaited<ReturnType<AnthropicResponder>>): string {
  return typeof answer === 'string' ? answer : (answer.text ?? answer.blocks.map((b) => b.text).join(''));
}

function num(s: string): number {
  return Number(s.replace(/[,.\s]/g, ''));
}

/** The middle of the first "A to B <unit>" range after `label` in the prompt, or `fallback`. */
function rangeMiddle(system: string, pattern: RegExp, fallback: number): number {
  const m = pattern.exec(system);
  return m ? Math.round((num(m[1]) + num(m[2])) / 2) : fallback;
}

/** The text inside `<tag>…</tag>` in the prompt, or ''. */
function tagged(system: string, tag: string): string {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(system);
  return m ? m[1] : '';
}

/** The template sections the prompt lists: `1. Title (about N words): guidance`. */
function templateSections(system: string): Array<{ title: string; words: number }> {
  return [...system.matchAll(/^\d+\. ([^(:\n]+?) \(about ([\d,]+) words\):/gm)].map((m) => ({ title: m[1].trim(), words: num(m[2]) }));
}

interface OutlineSection {
  heading: string;
  points: string[];
}

/** The `##` sections of an outline and their bullet points (markers removed). */
export function outlineSections(outline: string): OutlineSection[] {
  const out: OutlineSection[] = [];
  for (const line of outline.split('\n')) {
    const h = /^## (.+)$/.exec(line);
    if (h) out.push({ heading: h[1].trim(), points: [] });
    const b = /^\s*[-*] (.+)$/.exec(line);
    if (b && out.length) out[out.length - 1].points.push(b[1].replace(/\[(?:Source: [^\]]*|S\d+)\]/g, '').trim());
  }
  return out;
}

function analystAnswer(base: string, id: string): string {
  const target = ANALYST_TOKENS * 4;
  const seed = [...id].reduce((n, c) => n + c.charCodeAt(0), 0);
  const padded = `${base.trimEnd()}\n\n${prose(Math.ceil(target / 5), seed)}`;
  return `${padded.slice(0, target).trimEnd()}\n`;
}

function integrationAnswer(input: AnthropicResponderInput, base: string): string {
  const analysts = [...new Set([...input.system.matchAll(/<analyst id="([a-z0-9-]+)">/g)].map((m) => m[1]))];
  const label = input.task?.label ?? '';
  // One part of an integration written in parts: the length its own instructions ask for.
  if (label !== 'integration') return integrationPart(input, label, analysts);
  const words = rangeMiddle(input.system, /Typical length:\s*([\d,]+)\s+to\s+([\d,]+)\s+words/, 1800);
  const parts = [base.trimEnd()];
  const written = base.split(/\s+/).filter(Boolean).length;
  const per = Math.max(50, Math.round((words - written) / Math.max(1, analysts.length)));
  analysts.forEach((id, i) => {
    parts.push(`### ${SUBJECTS[i % SUBJECTS.length]}`, `${prose(per, i + 11)} [Source: analyst-${id}]`);
  });
  return `${parts.join('\n\n')}\n`;
}

/** The first `words` words of `text`, its paragraph breaks kept. */
function exactly(text: string, words: number): string {
  const out: string[] = [];
  let left = words;
  for (const paragraph of text.split('\n\n')) {
    if (left <= 0) break;
    const w = paragraph.split(/\s+/).filter(Boolean);
    out.push(w.slice(0, left).join(' '));
    left -= w.length;
  }
  return out.join('\n\n');
}

/** A part of the integration (`integration:part:N` or `integration:closing`) at the words it is asked for. */
function integrationPart(input: AnthropicResponderInput, label: string, analysts: string[]): string {
  const own = input.lastUserText;
  const words = rangeMiddle(own, /Typical length of your part:\s*([\d,]+)\s+to\s+([\d,]+)\s+words/, 300);
  const n = Number(/^integration:part:(\d+)$/.exec(label)?.[1] ?? 0);
  const heading = n ? (/<part_steps>\n## (.+)/.exec(own)?.[1] ?? `Part ${n}`) : (/^Start with `## (.+?)`/m.exec(own)?.[1] ?? 'Conclusions');
  // Its paragraphs (about a hundred words each), each closing with the marker of an analyst it
  // draws on; the heading and the markers count in its words.
  const markers = analysts.length ? Math.ceil(words / 100) * 2 : 0;
  const target = Math.max(20, words - heading.split(/\s+/).length - 1 - markers);
  const paragraphs = exactly(prose(target + 40, n * 13 + 11), target).split('\n\n');
  const body = paragraphs.map((p, i) => (analysts.length ? `${p} [Source: analyst-${analysts[i % analysts.length]}]` : p));
  return `## ${heading.trim()}\n\n${body.join('\n\n')}\n`;
}

function outlineAnswer(input: AnthropicResponderInput): string {
  const bullets = rangeMiddle(input.system, /write (\d+) to (\d+) bullets/, 4);
  const sections = templateSections(input.system);
  const analysts = [...new Set([...input.system.matchAll(/\[Source: analyst-([a-z0-9-]+)\]/g)].map((m) => m[1]))];
  const lines = ['# Entering the German industrial sensor market', ''];
  sections.forEach((s, i) => {
    lines.push(`## ${s.title}`);
    for (let b = 0; b < bullets; b++) {
      const marker = analysts.length ? ` [Source: analyst-${analysts[(i + b) % analysts.length]}]` : '';
      const statement = prose(OUTLINE_BULLET_WORDS, i * 10 + b).split(/\s+/).slice(0, OUTLINE_BULLET_WORDS).join(' ');
      lines.push(`- ${statement.replace(/[,.]$/, '')}${marker}`);
    }
    lines.push('');
  });
  return `${lines.join('\n').trimEnd()}\n`;
}

function citationsAnswer(input: AnthropicResponderInput): string {
  const registry = [...new Set([...input.system.matchAll(/^- \[(S\d+)\]/gm)].map((m) => m[1]))];
  // A group of sections mapped on its own: its points and its number of gaps are in its own
  // instructions (the user message); the one-call map's are in the prompt.
  const group = /<part_points>\n([\s\S]*?)\n<\/part_points>/.exec(input.lastUserText)?.[1];
  // Points are named by the ids the outline shows before them (`- [P2.3] …`).
  const points = [...(group ?? tagged(input.system, 'outline')).matchAll(/^\s*[-*] \[(P\d+\.\d+)\]/gm)].map((m) => m[1]);
  const searches = Number(/give a search query to at most (\d+)/.exec(input.system)?.[1] ?? 0);
  const maxGaps = group ? Number(/List at most (\d+) gaps/.exec(input.lastUserText)?.[1] ?? 2) : Infinity;
  // Each point cites the sources it would in the one-call map (by its place in the whole outline).
  const all: string[] = [...tagged(input.system, 'outline').matchAll(/^\s*[-*] \[(P\d+\.\d+)\]/gm)].map((m) => m[1]);
  const citations = registry.length
    ? points.map((point) => {
        const i = Math.max(0, all.indexOf(point));
        return { point, sourceIds: [...new Set([registry[i % registry.length], registry[(i * 3 + 1) % registry.length]])] };
      })
    : [];
  // The gaps are the first points of the whole outline, the first of them with search queries,
  // as in the one-call map: a group names those among its own points, ranked by that order.
  const queries = ['German industrial sensor market size 2026', 'machine builder demand sensors Germany', 'IO-Link adoption rate Germany'];
  const gapCount = Math.min(all.length, searches + 2);
  const gaps = points
    .map((point) => ({ point, i: all.indexOf(point) }))
    .filter(({ i }) => i >= 0 && i < gapCount)
    .slice(0, maxGaps)
    .map(({ point, i }) => ({ point, query: i < searches ? queries[i % 3] : '', ...(group ? { importance: i < searches ? 3 : 2 } : {}) }));
  return '```json\n' + JSON.stringify({ citations, gaps, factual: true }, null, 2) + '\n```';
}

/** The whole document in one answer: each outline section at the template's words for it. */
function fulltextAnswer(input: AnthropicResponderInput): string {
  const target = num(/Target length: about ([\d,]+) words/.exec(input.system)?.[1] ?? '2000');
  const template = templateSections(input.system);
  const sections = outlineSections(tagged(input.system, 'outline'));
  const map = [...tagged(input.system, 'citation_map').matchAll(/^- (.+?): ((?:\[S\d+\])+)$/gm)].map((m) => ({
    point: m[1],
    ids: [...m[2].matchAll(/S\d+/g)].map((x) => x[0]),
  }));
  const planned = template.reduce((n, t) => n + t.words, 0) || target;
  const parts = ['# Entering the German industrial sensor market'];
  sections.forEach((s, i) => {
    const words = Math.round(((template.find((t) => t.title === s.heading)?.words ?? planned / sections.length) * target) / planned);
    const ids = [...new Set(map.filter((e) => s.points.includes(e.point) || e.point === s.heading).flatMap((e) => e.ids))];
    parts.push(`## ${s.heading}`, prose(words, i + 101, ids));
  });
  return `${parts.join('\n\n')}\n`;
}

/**
 * One section written on its own, at the words its prompt asks for, citing the sources of its
 * evidence (the summary, written last, those of the sections it summarizes).
 */
function sectionAnswer(input: AnthropicResponderInput): string {
  // The section's own instructions open the user message (after the attached documents).
  const prompt = `${input.system}\n${input.lastUserText}`;
  const words = num(/Length of this section: about ([\d,]+) words/.exec(prompt)?.[1] ?? '300');
  const n = Number(/^section:(\d+)$/.exec(input.task?.label ?? '')?.[1] ?? 0);
  const summary = tagged(prompt, 'written_sections');
  const evidence = summary ? summary : tagged(prompt, 'section_evidence').split('\n\nMapped points not tied')[0];
  const ids = [...new Set([...evidence.matchAll(/\[(S\d+)\]/g)].map((m) => m[1]))].slice(0, 6);
  return `${prose(words, n + 201, ids)}\n`;
}

/** The fake API's answers in the realistic-length scenario. */
export const realisticResponder: AnthropicResponder = async (input) => {
  const base = await demoResponder(input);
  switch (input.task?.step) {
    case 'analysts':
      return analystAnswer(textOf(base), input.task.label.replace(/^analyst:/, ''));
    case 'integrate':
      return integrationAnswer(input, textOf(base));
    case 'outline':
      return outlineAnswer(input);
    case 'citations':
      return citationsAnswer(input);
    case 'fulltext':
      // Its `[S#]` ids of the attached documents become citations quoting them, as the demo's do.
      return citedReply(input, /^section:\d+$/.test(input.task.label) ? sectionAnswer(input) : fulltextAnswer(input));
    default:
      return base;
  }
};
