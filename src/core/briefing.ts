/**
 * `research_briefing.yaml`: a research briefing the person prepared (sources with summaries,
 * key points and excerpts, open questions), given to the run as an L0 context document.
 *
 * Owns: parsing and validating the file (forgiving about spelling — numbers and dates where text
 * is expected, a single string where a list is expected, a few common alternative field names —
 * but strict about what matters, with messages that name the line, column and field), the
 * markdown the model reads, and the list of sources it contributes. Must not: read files (the
 * caller passes the text) or number the sources (the state does that).
 *
 * Shape:
 * ```yaml
 * title: Entering the Italian market      # optional
 * date: 2026-11-01                        # optional
 * summary: What we know so far.           # optional
 * questions: [Which channel first?]       # optional
 * sources:                                # at least one source, or a summary / notes
 *   - title: Market report 2026           # required
 *     url: https://example.org/report     # optional, http(s)
 *     publisher: Example Institute        # optional
 *     date: 2026-10-12                    # optional
 *     summary: Growth slowed to 2%.       # optional (or `notes`)
 *     key_points: [Growth 2%, Prices up]  # optional
 *     excerpt: "Retail grew by 2.1%..."   # optional
 * notes: Anything else.                   # optional
 * ```
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import * as z from 'zod';
import { isHttpUrl } from './safeText';

/** Text, accepting numbers, booleans and dates written where text was expected. */
const Text = z.preprocess((v) => {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'string') return v.trim();
  return v;
}, z.string());

/** An optional text: `null` and empty text count as absent. */
const OptionalText = z.preprocess((v) => (v === null || v === '' ? undefined : v), Text.optional());

/** A list of texts, accepting a single text; empty entries are dropped. */
const TextList = z.preprocess(
  (v) => (v === null ? undefined : Array.isArray(v) ? v.filter((x) => x !== null && x !== '') : [v]),
  z.array(Text.pipe(z.string().min(1))).optional(),
);

const HttpUrl = z.preprocess(
  (v) => (v === null || v === '' ? undefined : v),
  Text.refine((u) => isHttpUrl(u), { message: 'must be a full web address starting with http:// or https://' }).optional(),
);

/** Alternative field names accepted for a source, mapped to the canonical one. */
const SOURCE_ALIASES: Record<string, string> = {
  link: 'url',
  published: 'date',
  published_date: 'date',
  publishedDate: 'date',
  keyPoints: 'key_points',
  highlights: 'key_points',
  quote: 'excerpt',
};

function applyAliases(v: unknown, aliases: Record<string, string>): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const [alias, canonical] of Object.entries(aliases)) {
    if (alias in out && (out[canonical] === undefined || out[canonical] === null || out[canonical] === '')) {
      out[canonical] = out[alias];
    }
  }
  return out;
}

export const BriefingSourceSchema = z.preprocess(
  (v) => applyAliases(v, SOURCE_ALIASES),
  z.object({
    title: Text.pipe(z.string().min(1, { message: 'must not be empty' })),
    url: HttpUrl,
    publisher: OptionalText,
    author: OptionalText,
    date: OptionalText,
    summary: OptionalText,
    notes: OptionalText,
    key_points: TextList,
    excerpt: OptionalText,
  }),
);
export type BriefingSource = z.infer<typeof BriefingSourceSchema>;

export const BriefingSchema = z
  .preprocess(
    // A file that is just a list is read as the list of sources.
    (v) => (Array.isArray(v) ? { sources: v } : v),
    z.object({
      title: OptionalText,
      date: OptionalText,
      summary: OptionalText,
      questions: TextList,
      sources: z.preprocess((v) => (v === null ? [] : v), z.array(BriefingSourceSchema).default([])),
      notes: z.preprocess((v) => (Array.isArray(v) ? v.filter((x) => x !== null).join('\n') : v), OptionalText),
    }),
  )
  .refine((b) => b.sources.length > 0 || !!b.summary || !!b.notes, {
    message: 'the briefing has no sources, no summary and no notes: there is nothing to give to the analysis',
  });
export type Briefing = z.infer<typeof BriefingSchema>;

/** The L0 sources a briefing contributes, in the shape of the state's `Source` (without id and level). */
export interface BriefingSourceRef {
  title: string;
  url?: string;
  publishedDate?: string;
  excerpt?: string;
}

/**
 * Parses and validates a briefing. Throws an Error whose message names the file and, for a
 * YAML syntax error, the line and column; for a field that is wrong, its path
 * (`sources[2].title`) and, when known, its line and column.
 */
export function parseBriefing(text: string, fileName: string): Briefing {
  if (!text.trim()) throw new Error(`${fileName} is empty: a research briefing needs at least one source.`);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    const reason = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML error${doc.errors.length > 2 ? 's' : ''})` : '';
    throw new Error(
      `${fileName} is not valid YAML: ${reason} at line ${pos.line}, column ${pos.col}${more}.`,
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new Error(`${fileName} is empty: a research briefing needs at least one source.`);
  }
  if (typeof data !== 'object') {
    throw new Error(
      `${fileName} is not a research briefing: expected fields such as "title" and "sources", found a single value.`,
    );
  }
  const result = BriefingSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => describeIssue(issue, data, doc, lineCounter));
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
  throw new Error(`${fileName} is not a valid research briefing: ${problems.join('; ')}${more}.`);
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: unknown;
}

function describeIssue(issue: Issue, data: unknown, doc: Document, lines: LineCounter): string {
  const path = issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  // Paths are of the normalized briefing; a file that is just a list has no `sources` key.
  const docPath = Array.isArray(data) && path[0] === 'sources' ? path.slice(1) : path;
  const found = valueAt(data, docPath);
  let text: string;
  if (issue.code === 'custom' && path.length === 0) {
    text = issue.message;
  } else {
    let what: string;
    if (issue.code === 'invalid_type' && found === undefined) what = 'is required';
    else if (issue.code === 'invalid_type') what = `must be ${expectedWords(issue.expected)}, found ${describeValue(found)}`;
    else if (issue.code === 'too_small' && path[path.length - 1] === 'title') what = 'must not be empty';
    else what = issue.message;
    text = `${formatPath(path) || 'the file'} ${what}`;
  }
  // Where the value (or, when it is missing, the entry that should hold it) is in the file.
  const at = locate(doc, docPath, lines);
  return `${text}${at ? ` (line ${at.line}, column ${at.col})` : ''}`;
}

function valueAt(data: unknown, path: Array<string | number>): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function locate(doc: Document, path: Array<string | number>, lines: LineCounter): { line: number; col: number } | null {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node) {
      const range = (node as { range?: [number, number, number] }).range;
      if (range) return lines.linePos(range[0]);
    }
  }
  return null;
}

function expectedWords(expected: unknown): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping of fields (key: value)';
    default:
      return String(expected ?? 'a different value');
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping of fields';
  if (typeof v === 'string') return 'text';
  return `a ${typeof v}`;
}

function formatPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * The briefing as markdown for the model. `sourceIds[i]` (e.g. `S3`), when given, labels the
 * i-th source so the model can cite it.
 */
export function briefingToContextText(b: Briefing, options: { sourceIds?: readonly string[] } = {}): string {
  const out: string[] = [];
  out.push(`# Research briefing${b.title ? `: ${b.title}` : ''}`);
  if (b.date) out.push('', `Date: ${b.date}`);
  if (b.summary) out.push('', '## Summary', '', b.summary);
  if (b.questions?.length) {
    out.push('', '## Open questions', '');
    for (const q of b.questions) out.push(`- ${q}`);
  }
  if (b.sources.length > 0) {
    out.push('', '## Sources');
    b.sources.forEach((s, i) => {
      const id = options.sourceIds?.[i];
      out.push('', `### ${id ? `[${id}] ` : `${i + 1}. `}${s.title}`, '');
      const meta: string[] = [];
      if (s.publisher) meta.push(`Publisher: ${s.publisher}`);
      if (s.author) meta.push(`Author: ${s.author}`);
      if (s.date) meta.push(`Date: ${s.date}`);
      if (s.url) meta.push(`URL: ${s.url}`);
      for (const m of meta) out.push(`- ${m}`);
      if (meta.length) out.push('');
      if (s.summary) out.push(s.summary, '');
      if (s.notes) out.push(`Notes: ${s.notes}`, '');
      if (s.key_points?.length) {
        out.push('Key points:');
        for (const k of s.key_points) out.push(`- ${k}`);
        out.push('');
      }
      if (s.excerpt) out.push(...s.excerpt.split(/\r?\n/).map((l) => (l.trim() ? `> ${l}` : '>')), '');
      while (out[out.length - 1] === '') out.pop();
    });
  }
  if (b.notes) out.push('', '## Notes', '', b.notes);
  return out.join('\n') + '\n';
}

/** The briefing's sources, in order: they become L0 sources of the run. */
export function briefingSources(b: Briefing): BriefingSourceRef[] {
  return b.sources.map((s) => {
    const ref: BriefingSourceRef = { title: s.title };
    if (s.url) ref.url = s.url;
    if (s.date) ref.publishedDate = s.date;
    const excerpt = s.excerpt || s.summary || s.notes || (s.key_points?.length ? s.key_points.join('; ') : undefined);
    if (excerpt) ref.excerpt = excerpt;
    return ref;
  });
}
