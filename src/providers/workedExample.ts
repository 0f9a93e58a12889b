/**
 * The worked example of demo mode, read from data files (media/demo/<language>/): the
 * answers of every step for the sample workspace's problem — Verdello and the German market —
 * in English and Italian.
 *
 * Owns: finding and reading those files (once per language), and resolving the `[@key]`
 * citations of their prose to the ids of the run's source registry. Must not: decide which
 * answer a request gets (demo.ts does) or hold any of the texts in code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export type ExampleLanguage = 'en' | 'it';

export interface ExampleSearchResult {
  title: string;
  url: string;
  publishedDate?: string;
  highlight: string;
}

export interface WorkedExample {
  title: string;
  synthesizers: Array<{ id: string; score: number; reason: string }>;
  template: string;
  sourceNeed: { need: 'high' | 'medium' | 'low'; rationale: string };
  proposal: { rationale: string };
  clarify: Array<{ id: string; question: string }>;
  citations: Array<{ point: string; sources: string[] }>;
  gaps: Array<{ point: string; query: string }>;
  searches: Array<{ match: string[]; results: ExampleSearchResult[] }>;
  /** Analyst id -> the analyst's complete answer (frontmatter and body). */
  analysts: Map<string, string>;
  integration: string;
  outline: string;
  /** The full text, by section heading (without the `## `), in order. */
  sections: Array<{ heading: string; text: string }>;
}

/** Where the data files are: next to the bundle (dist/ -> media/demo) or the compiled sources. */
function dataDir(): string {
  const candidates = [
    path.join(__dirname, '..', 'media', 'demo'),
    path.join(__dirname, '..', '..', 'media', 'demo'),
    path.join(__dirname, '..', '..', '..', 'media', 'demo'),
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'en', 'example.yaml')));
  if (!found) throw new Error(`The worked example of demo mode is missing (looked in ${candidates.join(', ')}).`);
  return found;
}

const cache = new Map<string, WorkedExample>();

function splitSections(markdown: string): Array<{ heading: string; text: string }> {
  const out: Array<{ heading: string; text: string }> = [];
  for (const part of markdown.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    out.push({ heading: part.slice(0, newline).trim(), text: part.slice(newline + 1).trim() });
  }
  return out;
}

/** The worked example in `language` (Italian, or English for every other language). */
export function workedExample(language: string, dir?: string): WorkedExample {
  const lang: ExampleLanguage = language === 'it' ? 'it' : 'en';
  const root = path.join(dir ?? dataDir(), lang);
  const cached = cache.get(root);
  if (cached) return cached;
  const read = (name: string) => readFileSync(path.join(root, name), 'utf8');
  const data = parseYaml(read('example.yaml')) as Omit<WorkedExample, 'analysts' | 'integration' | 'outline' | 'sections'>;
  const analysts = new Map<string, string>();
  for (const file of readdirSync(root)) {
    const m = /^analyst-([a-z0-9-]+)\.md$/.exec(file);
    if (m) analysts.set(m[1], read(file));
  }
  const example: WorkedExample = {
    ...data,
    analysts,
    integration: read('integration.md'),
    outline: read('outline.md'),
    sections: splitSections(read('fulltext.md')),
  };
  cache.set(root, example);
  return example;
}

/** Registry lines of a prompt (`- [S3] (L1, …) Title <url>`): id and the line's text. */
export function registryEntries(registryText: string): Array<{ id: string; text: string }> {
  return [...registryText.matchAll(/^- \[(S\d+)\] (.*)$/gm)].map((m) => ({ id: m[1], text: m[2].toLowerCase() }));
}

/** The registry id whose line names `key` (a file name, a URL slug or a word of a title). */
export function resolveKey(key: string, registry: Array<{ id: string; text: string }>): string | undefined {
  const k = key.toLowerCase();
  return registry.find((r) => r.text.includes(k))?.id;
}

/** The passages of the context documents in a prompt (`<passage id="S3.2" …>text</passage>`), by source id. */
export function passageEntries(system: string): Map<string, Array<{ id: string; text: string }>> {
  const out = new Map<string, Array<{ id: string; text: string }>>();
  for (const m of system.matchAll(/<passage id="(S\d+)\.(\d+)"[^>]*>\n?([\s\S]*?)\n?<\/passage>/g)) {
    const list = out.get(m[1]) ?? [];
    if (!list.some((p) => p.id === `${m[1]}.${m[2]}`)) list.push({ id: `${m[1]}.${m[2]}`, text: m[3].replace(/\s+/g, ' ').toLowerCase() });
    out.set(m[1], list);
  }
  return out;
}

export interface CitationContext {
  registry: Array<{ id: string; text: string }>;
  passages: Map<string, Array<{ id: string; text: string }>>;
}

/**
 * The citation id for `key`: the source's passage that holds `phrase` (or its first passage)
 * when the source is a context document given in passages, the source itself otherwise.
 */
export function citeId(ctx: CitationContext, key: string, phrase?: string): string | undefined {
  const id = resolveKey(key, ctx.registry);
  if (!id) return undefined;
  const passages = ctx.passages.get(id);
  if (!passages?.length) return id;
  const wanted = phrase?.replace(/\s+/g, ' ').trim().toLowerCase();
  return (wanted ? passages.find((p) => p.text.includes(wanted)) : undefined)?.id ?? passages[0].id;
}

/**
 * Replaces every `[@key]` or `[@key: quoted phrase]` of a text with `[S#]` or `[S#.n]`, or
 * removes it when no registered source matches. Returns the text and how many citations were
 * resolved; `onCite` hears each resolved id with its phrase.
 */
export function resolveCitations(text: string, ctx: CitationContext, onCite?: (id: string, phrase?: string) => void): { text: string; resolved: number } {
  let resolved = 0;
  const out = text.replace(/\[@([^\]\s:]+)(?::\s*([^\]]+))?\]/g, (_m, key: string, phrase?: string) => {
    const id = citeId(ctx, key, phrase);
    if (!id) return '';
    resolved++;
    onCite?.(id, phrase?.trim());
    return `[${id}]`;
  });
  // Two citations of one source side by side read as one (unless each is heard: each then
  // stands for its own phrase).
  const merged = onCite ? out : out.replace(/(\[S\d+(?:\.\d+)?\])\1+/g, '$1');
  return { text: merged.replace(/ +([.,;:)])/g, '$1'), resolved };
}
