/**
 * Reading one entry of a final document's Sources list back into data.
 *
 * Owns: the tolerant reading of an entry as the final document writes it (evidenceRender.ts:
 * `1. <a id="source-1"></a>**notes.md** — context document · verified`, its quotes under it as
 * `   - <a id="source-1-2"></a>“…” — [notes.md, line 3](../../notes.md#L3)` (the anchor is the
 * target of the citations that quote it); earlier documents:
 * `3. Title (2026-05-01) <https://…> — web search`, `1. Title — docs/file.md — context document`,
 * `2. [memo.md, lines 3–5](../../memo.md#L3) — context document` for a cited passage)
 * and as a person may have edited it (a markdown link instead of `<url>`, a bare URL, a missing
 * level, extra ` — ` parts), plus quoted passages with their locations on the lines under the
 * entry (`> "…" (lines 3–5)`, `- “…” — p. 4`) or after the level on the same line. Every reader
 * of the Sources section (the Word and slide exports) goes through this module, so a change of
 * the format is made here once. Must not: parse the rest of the document (src/export does) or
 * know about files. Pure: no I/O, no dependencies.
 */
import { levelFromDescription } from './documentLabels';

export interface SourcePassage {
  /** The quoted text, without its quotation marks. */
  text: string;
  /** Where it is: `lines 3–5`, `p. 4`, `slide 2`, a sheet range… (free text as written). */
  location?: string;
  /** The quote's own anchor (`source-1-2`), the target of the citations it backs. */
  anchor?: string;
}

export interface SourceEntry {
  /** The number the document's citations use, e.g. 3 for `[3]`. */
  number: number;
  title: string;
  url?: string;
  /** A workspace file or other reference that is not a URL (a linked file's path, relative to the document). */
  reference?: string;
  /** The link to the file as written (relative to the document, e.g. `../../memo.md#L3`). */
  link?: string;
  date?: string;
  level?: 'L0' | 'L1' | 'L2';
  /** The level's description as written (`web search`, `documento di contesto`…), with its status. */
  levelText?: string;
  /** Marked unverified (a source named from memory whose page could not be checked). */
  unverified?: boolean;
  passages: SourcePassage[];
}

const URL_IN_ANGLES = /<((?:https?|ftp):\/\/[^\s<>]+)>/i;
const MARKDOWN_LINK = /\[([^\]]*)\]\(((?:https?|ftp):\/\/[^\s)]+)\)/i;
/** A link to a file of the workspace, as provenance.ts writes it: `[memo.md, lines 3–5](../memo.md#L3)`. */
const FILE_LINK = /\[((?:\\.|[^\]\\])*)\]\(([^\s)]+)\)/;
const BARE_URL = /(?:^|\s)((?:https?|ftp):\/\/[^\s<>)\]]+)/i;
const DATE = /\s*\((\d{4}-\d{2}(?:-\d{2})?)\)/;
const SEPARATOR = /\s+[—–]\s+|\s+--\s+/;
/** A part that names a file rather than continuing the title: `docs/notes.md`, `survey.xlsx`. */
const FILE_LIKE = /[\\/]|\.[A-Za-z0-9]{1,5}$/;

/** Straight or typographic quotes around a passage: "…", “…”, «…», '…'. */
const QUOTED = /"([^"]+)"|“([^”]+)”|«\s*([^»]+?)\s*»|„([^“”]+)[“”]/g;

/**
 * Markdown inline text as the plain text it shows: backslash escapes and the entities the
 * documents write for untrusted text (`&lt;`, `&amp;`, safeText.ts) read as their characters.
 */
export function plainInline(text: string): string {
  return text
    .replace(/\\([\\`*_{}[\]()#+!|~<>-])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function cleanLocation(text: string): string | undefined {
  const t = text
    // A location written as a link to the file (`[notes.md, line 3](../notes.md#L3)`) reads as
    // its text (a label may hold escaped brackets).
    .replace(/\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)/g, '$1')
    // A web address written as an autolink (`<https://…>`) reads as the address.
    .replace(/<((?:https?|ftp):\/\/[^\s<>]+)>/gi, '$1')
    .replace(/^[\s,;:—–-]+|[\s,;:.—–-]+$/g, '')
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  return t ? plainInline(t) : undefined;
}

/** Passages in a piece of text: each quoted span, with what follows it (up to the next quote) as its location. */
export function readPassages(text: string): SourcePassage[] {
  const found: Array<{ text: string; start: number; end: number }> = [];
  for (const m of text.matchAll(QUOTED)) {
    const quoted = plainInline((m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim());
    if (quoted) found.push({ text: quoted, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  }
  return found.map((f, i) => {
    const tail = text.slice(f.end, found[i + 1]?.start ?? text.length);
    const location = cleanLocation(tail);
    return location ? { text: f.text, location } : { text: f.text };
  });
}

/** One continuation line under an entry: a passage, quoted or not, without its list or quote marker. */
function passageFromLine(line: string): SourcePassage | undefined {
  let t = line.replace(/^\s*(?:>\s*)+/, '').replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').trim();
  const anchor = /^<a id="([^"<>]+)"><\/a>\s*/.exec(t);
  if (anchor) t = t.slice(anchor[0].length);
  if (!t) return undefined;
  const passage = readPassages(t)[0] ?? { text: t };
  return anchor ? { ...passage, anchor: anchor[1] } : passage;
}

/**
 * Reads one entry. `raw` is the entry's markdown (its first line, with or without the `3.`
 * marker, and any indented lines under it); `fallbackNumber` is used when the entry carries no
 * number of its own. Returns undefined when there is nothing that could be a title.
 */
export function parseSourceEntry(raw: string, fallbackNumber: number): SourceEntry | undefined {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n');
  let first = lines[0] ?? '';
  const numberMatch = /^\s*(\d+)[.)]\s+/.exec(first);
  const number = numberMatch ? Number(numberMatch[1]) : fallbackNumber;
  first = first.slice(numberMatch ? numberMatch[0].length : 0).trim();
  // The entry's anchor (`<a id="source-3"></a>`, the target of its citations) and a bold title.
  first = first.replace(/^<a id="[^"<>]*"><\/a>\s*/, '').replace(/^\*\*(.+?)\*\*/, '$1');

  let url: string | undefined;
  let linkText: string | undefined;
  let fileTarget: string | undefined;
  let fileLink: string | undefined;
  const angle = URL_IN_ANGLES.exec(first);
  const link = angle ? null : MARKDOWN_LINK.exec(first);
  if (angle) {
    url = angle[1];
    first = first.replace(angle[0], ' ');
  } else if (link) {
    url = link[2];
    linkText = link[1].trim();
    first = first.replace(link[0], linkText ? linkText : ' ');
  } else if (FILE_LINK.test(first)) {
    // A passage of a file: the link's text names it and its location; the target is the file.
    const file = FILE_LINK.exec(first)!;
    linkText = file[1].replace(/\\(.)/g, '$1').trim();
    fileLink = file[2];
    let target = file[2].replace(/#.*$/, '');
    try {
      target = decodeURIComponent(target);
    } catch {
      // Keep the target as written.
    }
    fileTarget = target;
    first = first.replace(file[0], linkText || ' ');
  } else {
    const bare = BARE_URL.exec(first);
    if (bare) {
      url = bare[1].replace(/[.,;:]+$/, '');
      first = first.replace(bare[1], ' ');
    }
  }

  let date: string | undefined;
  const dateMatch = DATE.exec(first);
  if (dateMatch) {
    date = dateMatch[1];
    first = first.replace(dateMatch[0], '');
  }

  const passages: SourcePassage[] = [];
  const parts = first
    .split(SEPARATOR)
    .map((p) => p.trim())
    .filter(Boolean);
  let level: SourceEntry['level'];
  let levelText: string | undefined;
  let unverified = false;
  const rest: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    // The first part is the title, unless it is all there is and reads as a level only.
    const levelOnly = i === 0 && parts.length === 1 && part.length <= 40 && levelFromDescription(part) !== undefined;
    if ((i > 0 || levelOnly) && level === undefined) {
      // The level may carry passages after it: `web search: "…" (p. 2)`.
      const [head, ...tail] = part.split(/:\s+(?=["“«„])/);
      const found = levelFromDescription(head);
      if (found) {
        level = found;
        // The status after the level is bold only when the source is unverified (`· **unverified**`).
        if (/\*\*[^*]+\*\*/.test(head)) unverified = true;
        levelText = plainInline(head.replace(/\*\*/g, '')).replace(/[.;]$/, '').trim();
        if (tail.length) {
          // Passages run to the end of the line, separators included.
          passages.push(...readPassages([tail.join(': '), ...parts.slice(i + 1)].join(' — ')));
          break;
        }
        continue;
      }
    }
    rest.push(part);
  }
  // A title may itself contain " — ": only a last part that looks like a file is a reference.
  const reference = rest.length > 1 && FILE_LIKE.test(rest[rest.length - 1]) ? rest.pop() : fileTarget;
  const title = plainInline((rest.length ? rest.join(' — ') : (linkText ?? '')).replace(/\s+/g, ' ')).trim();
  if (!title) return undefined;

  for (const line of lines.slice(1)) {
    const passage = passageFromLine(line);
    if (passage) passages.push(passage);
  }

  const entry: SourceEntry = { number, title, passages };
  if (url) entry.url = url;
  if (reference) entry.reference = reference;
  if (fileLink) entry.link = fileLink;
  if (date) entry.date = date;
  if (level) entry.level = level;
  if (levelText) entry.levelText = levelText;
  if (unverified) entry.unverified = true;
  return entry;
}
